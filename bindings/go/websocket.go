package bluechip

import (
	"context"
	"errors"
	"net/http"

	"github.com/coder/websocket"
)

// WebSocketOptions reach a bridge started with `bluechip serve --listen`: the server carrier (a store
// server, or a POS that cannot spawn node).
type WebSocketOptions struct {
	// URL is the bridge's address, e.g. ws://127.0.0.1:7300.
	URL string
	// Token is the bridge's bearer token (`--token`, or its token file).
	Token string
	// HTTPClient dials (default: http.DefaultClient).
	HTTPClient *http.Client
	// MaxMessageBytes bounds one message from the bridge (default 8 MiB); a larger one ends the connection.
	MaxMessageBytes int
}

type wsStream struct {
	conn *websocket.Conn
}

func dialWebSocket(ctx context.Context, options WebSocketOptions) (*wsStream, error) {
	header := http.Header{}
	if options.Token != "" {
		header.Set("Authorization", "Bearer "+options.Token)
	}
	conn, _, err := websocket.Dial(ctx, options.URL, &websocket.DialOptions{HTTPClient: options.HTTPClient, HTTPHeader: header})
	if err != nil {
		return nil, err
	}
	limit := options.MaxMessageBytes
	if limit <= 0 {
		limit = defaultMaxMessage
	}
	conn.SetReadLimit(int64(limit))
	return &wsStream{conn: conn}, nil
}

func (s *wsStream) write(ctx context.Context, message []byte) error {
	return s.conn.Write(ctx, websocket.MessageText, message)
}

var errBinaryMessage = errors.New("the bridge sent a binary WebSocket message")

func (s *wsStream) read() ([]byte, error) {
	kind, data, err := s.conn.Read(context.Background())
	if err != nil {
		return nil, err
	}
	if kind != websocket.MessageText {
		return nil, errBinaryMessage
	}
	return data, nil
}

func (s *wsStream) close() error {
	return s.conn.Close(websocket.StatusNormalClosure, "")
}

func (s *wsStream) describe(err error) string {
	if err == nil {
		return "the WebSocket closed"
	}
	return err.Error()
}
