/** The page's styles: one inline sheet (the CSP allows inline styles, no other source). */
export const STYLES = `
:root { color-scheme: light; --ink:#1b1f24; --muted:#5b6570; --line:#d5dbe1; --bg:#f4f6f8; --panel:#fff;
  --accent:#0b5cad; --ok:#1a7f37; --bad:#b42318; --warn:#9a6700; font: 15px/1.4 system-ui, sans-serif; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); }
header { display:flex; gap:1rem; align-items:center; padding:.5rem 1rem; background:#10243a; color:#fff; }
header h1 { font-size:1.1rem; margin:0; }
header .conn { margin-left:auto; font-size:.9rem; }
main { display:grid; grid-template-columns: minmax(260px,1fr) minmax(360px,1.4fr) minmax(360px,1.4fr); gap:.75rem; padding:.75rem; }
.col { display:flex; flex-direction:column; gap:.75rem; min-width:0; }
.panel { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:.75rem; min-width:0; }
h2 { font-size:1rem; margin:0 0 .5rem; } h3 { font-size:.9rem; margin:.75rem 0 .4rem; }
.small, .hint { color:var(--muted); font-size:.82rem; }
.device { background:#2b2f36; border-radius:14px; padding:14px; }
.screen { background:#cfe8d6; color:#0c2a14; border-radius:6px; min-height:130px; padding:.75rem; text-align:center;
  font-family: ui-monospace, monospace; display:flex; flex-direction:column; justify-content:center; gap:.25rem; }
.screen .big { font-size:1.25rem; font-weight:700; } .screen .amount { font-size:1.6rem; font-weight:700; }
.screen[data-kind=declined], .screen[data-kind=wrong_pin], .screen[data-kind=link_lost] { background:#f6d5d1; color:#5b0f08; }
.screen[data-kind=busy], .screen[data-kind=timed_out], .screen[data-kind=cancelled] { background:#f3e3b5; color:#3d2b00; }
.actions { display:grid; grid-template-columns: 1fr 1fr; gap:.4rem; }
button { font:inherit; padding:.4rem .7rem; border:1px solid var(--line); border-radius:6px; background:#fff; cursor:pointer; }
button:disabled { opacity:.45; cursor:not-allowed; }
button.primary, button.approve { background:var(--accent); color:#fff; border-color:var(--accent); }
button.primary:disabled, button.approve:disabled { background:#fff; color:var(--ink); border-color:var(--line); }
button.link { border:none; background:none; color:var(--accent); text-decoration:underline; padding:0 .25rem; margin-left:auto; }
:focus-visible { outline:3px solid #f5a623; outline-offset:2px; }
.pickers { display:grid; grid-template-columns: 1fr 1fr; gap:.5rem; }
.fields { display:grid; grid-template-columns: 1fr 1fr; gap:.5rem; margin:.5rem 0; }
.field { display:flex; flex-direction:column; gap:.15rem; min-width:0; }
.field label { font-weight:600; font-size:.85rem; overflow-wrap:anywhere; } .req { color:var(--bad); }
input, select, textarea { font:inherit; padding:.3rem .4rem; border:1px solid #aab4be; border-radius:4px; min-width:0; }
[aria-invalid=true] { border-color:var(--bad); box-shadow:0 0 0 2px #f6d5d1; }
.row { display:flex; align-items:center; gap:.75rem; margin-top:.5rem; flex-wrap:wrap; }
.status { margin:0; } .status[data-state=approved] { color:var(--ok); font-weight:600; }
.status[data-state=declined], .status[data-state=error], .status[data-state=invalid] { color:var(--bad); font-weight:600; }
.status[data-state=unknown] { color:var(--warn); font-weight:600; }
.receipt { font-family: ui-monospace, monospace; border:1px dashed #98a2ad; padding:.6rem; margin-top:.6rem; background:#fffdf7; }
.receipt .verdict { font-weight:700; font-size:1.05rem; margin-bottom:.3rem; }
.receipt.kind-approved .verdict { color:var(--ok); } .receipt.kind-declined .verdict { color:var(--bad); }
dl { display:grid; grid-template-columns: max-content 1fr; gap:.1rem .75rem; margin:0; } dt { color:var(--muted); } dd { margin:0; overflow-wrap:anywhere; }
.receipt img { max-width:100%; background:#fff; border:1px solid var(--line); }
.banner { margin-top:.6rem; padding:.6rem; border-radius:6px; font-weight:700; }
.banner.unknown { background:#fff4d6; color:#5c3d00; border:1px solid #e8c46a; } .banner.error { background:#fde8e6; color:var(--bad); }
.banner p { font-weight:400; margin:.3rem 0 0; }
pre { max-height:260px; overflow:auto; background:#f6f8fa; padding:.5rem; font-size:.8rem; }
.flows, .entries, .frames, .open-flows, .report ul { list-style:none; margin:0; padding:0; }
.flows { max-height:330px; overflow:auto; }
.flow { border-bottom:1px solid var(--line); padding:.35rem 0; } .flow-head { display:flex; gap:.4rem; align-items:center; }
.entry { display:flex; gap:.5rem; font-size:.85rem; padding-left:.5rem; border-left:3px solid var(--line); }
.entry.request { border-color:var(--accent); } .entry.started { border-color:#6e7781; } .entry.final { border-color:var(--ok); }
.entry.ack { border-color:#8250df; } .entry.link_lost { border-color:var(--warn); color:var(--warn); font-weight:600; }
.entry.verdict { border-color:var(--ok); font-weight:600; } .entry.error, .entry.refused { border-color:var(--bad); }
.time { color:var(--muted); min-width:5.5em; font-variant-numeric: tabular-nums; } .latency { color:#8250df; }
.mark { font-size:.75rem; padding:0 .35rem; border-radius:8px; background:#fff4d6; color:#5c3d00; }
.mark.unclaimed, .mark.duplicate { background:#fde8e6; color:var(--bad); }
.flow.warned { border-left:3px solid var(--warn); padding-left:.4rem; } .mark.warn { background:#fff4d6; color:#5c3d00; font-weight:600; }
.flows > .hint { padding:.5rem 0; }
.frames { max-height:220px; overflow:auto; font-size:.78rem; margin-top:.4rem; }
.frame { display:flex; gap:.4rem; border-bottom:1px solid #eef1f4; } .frame code { overflow-wrap:anywhere; min-width:0; }
.frame .time, .dir { flex:none; } .frame .time { min-width:7.5em; }
.frame.out .dir { color:var(--accent); } .frame.in .dir { color:var(--ok); } .dir { min-width:3.5em; }
.verdict.recovered strong { color:var(--ok); } .verdict.still_unknown strong { color:var(--warn); }
#frame-filter { width:100%; }
/* Narrow screens last, so they override the rules above. */
@media (max-width: 1100px) { main { grid-template-columns: 1fr 1fr; } .timeline { grid-column: 1 / -1; } }
/* A phone: one column, what a tester uses first on top (send, then play the customer), the rest below. */
@media (max-width: 700px) { main { grid-template-columns: 1fr; padding:.5rem; } .col { display:contents; }
  .workbench { order:1; } .terminal { order:2; } .timeline { order:3; } .journal { order:4; }
  .fields { grid-template-columns: 1fr 1fr; } .screen { min-height:90px; } }
`;
