// The main job behind `npm start`: the CLI demo sale against the built-in simulator once the CLI is built,
// otherwise (early workspace) the decoded example frames of the protocol notes.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const cli = new URL('../packages/cli/dist/bin.js', import.meta.url);
if (existsSync(cli)) {
  const run = spawnSync(process.execPath, [cli.pathname, 'demo', ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}
const { decodeFrame, classifyFinal } = await import('../packages/protocol/dist/index.js');
const frames = [
  '{"request":{"flow_id":"277554","resource":{"type":"sale","amount":6417}}}',
  '{"response":{"flow_id":"277554","resource":{"status":"started"}}}',
  '{"event":{"flow_id":"277554","resource":{"status":"completed","results":[{"status":"approved","type":"sale","authorization_no":"191509","reference_no":"3","total_amount":"6417"}]}}}',
  '{"event_ack":{"flow_id":"277554","resource":{"status":"ok"}}}',
];
for (const frame of frames) {
  const decoded = decodeFrame(frame);
  if (decoded._tag === 'Left') console.log('error', decoded.left);
  else {
    const { kind, flow_id, resource } = decoded.right;
    const outcome = kind === 'event' ? ` → ${classifyFinal(resource).kind}` : '';
    console.log(`${kind.padEnd(9)} ${flow_id} ${JSON.stringify(resource)}${outcome}`);
  }
}
