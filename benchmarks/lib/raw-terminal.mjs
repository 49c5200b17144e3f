// A minimal terminal over raw `ws`, run as a child process by e2e.bench.mjs so that it has its own event
// loop: it answers each request with `started`, sends the final sale event at once, and counts the acks.
// Both clients under test talk to this same server. `--one-write` sends both frames in one write, so that
// the client reads them in one read whatever the scheduling: a client counted under valgrind
// (instructions.mjs) then runs the same event-loop turns in every run. The wall-clock suite sends them
// apart, as a terminal does.
import { WebSocketServer } from 'ws';
import { responseFrame, saleEvent } from './frames.mjs';

const oneWrite = process.argv.includes('--one-write');
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 * 1024 });
let acks = 0;
let requests = 0;

server.on('connection', (socket) => {
  socket.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(data.toString());
    } catch {
      socket.close(1007, 'not JSON');
      return;
    }
    if (message.request !== undefined) {
      requests++;
      const id = message.request.flow_id;
      if (oneWrite) {
        const tcp = socket._socket;
        tcp.cork();
        socket.send(responseFrame(id));
        socket.send(saleEvent(id));
        process.nextTick(() => tcp.uncork());
      } else {
        socket.send(responseFrame(id));
        socket.send(saleEvent(id));
      }
    } else if (message.event_ack !== undefined) {
      acks++;
    }
  });
});

server.on('listening', () => process.send?.({ port: server.address().port }));
process.on('message', (message) => {
  if (message === 'stats') process.send?.({ requests, acks });
  if (message === 'stop') {
    for (const client of server.clients) client.terminate();
    server.close(() => process.exit(0));
  }
});
// Never outlive the parent.
process.on('disconnect', () => process.exit(0));
