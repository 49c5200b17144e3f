// Connection management (reconnect with backoff, connection state) lives here.
export {};
