// `node benchmarks/lib/inclusive-profile.mjs file.cpuprofile [top] [filter]`: time including callees, per function.
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const top = Number(process.argv[3] ?? 40);
const match = new RegExp(process.argv[4] ?? '.');
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfTime = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  selfTime.set(profile.samples[i], (selfTime.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const keyOf = (n) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
const totals = new Map();
let all = 0;
function walk(node, onStack) {
  let sum = selfTime.get(node.id) ?? 0;
  const key = keyOf(node);
  const fresh = !onStack.has(key);
  if (fresh) onStack.add(key);
  for (const child of node.children ?? []) sum += walk(byId.get(child), onStack);
  if (fresh) {
    onStack.delete(key);
    totals.set(key, (totals.get(key) ?? 0) + sum);
  }
  return sum;
}
all = walk(profile.nodes[0], new Set());
for (const [key, us] of [...totals]
  .filter(([k]) => match.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  console.log(
    `${((100 * us) / all).toFixed(1).padStart(5)}%  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${key}`,
  );
}
