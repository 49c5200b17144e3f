import type { Frame } from '@bluechip-ws/core';
import type { SchedulerLike } from 'rxjs';
import {
  corrupt,
  type Direction,
  type FaultAction,
  type FaultReport,
  type FaultRule,
  pickFault,
} from './faults.js';
import { MemoryLink } from './memory-link.js';

/** What a pair needs from its network: time, the current fault rules, the PRNG and the fault log. */
export interface PairContext {
  readonly scheduler: SchedulerLike;
  readonly latencyMs: number;
  rules(direction: Direction): readonly FaultRule[] | undefined;
  random(): number;
  report(report: FaultReport): void;
}

/**
 * One direction of a pair. Every delivery goes through the scheduler (never in the sender's stack), and with
 * equal delays the scheduler keeps them FIFO.
 */
class Pipe {
  private index = 0;
  private held: string | undefined;

  constructor(
    private readonly pair: MemoryPair,
    private readonly direction: Direction,
    private readonly target: () => MemoryLink,
    private readonly ctx: PairContext,
  ) {}

  push(frame: Frame): void {
    if (typeof frame !== 'string') {
      this.deliver(frame); // faults apply to text frames only
      return;
    }
    const index = this.index++;
    const action = pickFault(this.ctx.rules(this.direction), frame, index, () => this.ctx.random());
    if (action) this.report(action, frame, index);
    switch (action?.kind) {
      case 'drop':
        return;
      case 'reorder':
        if (this.held === undefined) {
          this.held = frame;
          return;
        }
        this.deliver(frame);
        break;
      case 'delay':
        this.deliver(frame, action.ms);
        break;
      case 'duplicate':
        this.deliver(frame);
        this.deliver(action.copy === undefined ? frame : action.copy(frame));
        break;
      case 'corrupt':
        this.deliver(corrupt(frame, action));
        break;
      case 'disconnect':
        this.deliver(frame);
        this.releaseHeld();
        this.later(() => this.pair.cut(action.reason ?? 'network disconnected (fault)', action.code ?? 1006));
        return;
      default:
        this.deliver(frame);
    }
    this.releaseHeld();
  }

  /** The far side learns of a close after the frames already in flight, as with a WebSocket close frame. */
  closeRemote(reason: string, code: number): void {
    this.later(() => this.target().finish({ reason, code, clean: false }));
  }

  private releaseHeld(): void {
    if (this.held === undefined) return;
    const held = this.held;
    this.held = undefined;
    this.deliver(held);
  }

  private deliver(frame: Frame, extraDelayMs = 0): void {
    this.later(() => this.target().receive(frame), extraDelayMs);
  }

  private later(work: () => void, extraDelayMs = 0): void {
    this.ctx.scheduler.schedule(work, this.ctx.latencyMs + extraDelayMs);
  }

  private report(action: FaultAction, frame: string, index: number): void {
    this.ctx.report({
      pairId: this.pair.id,
      path: this.pair.path,
      direction: this.direction,
      index,
      action,
      frame,
      at: this.ctx.scheduler.now(),
    });
  }
}

/** A connected POS-side and terminal-side link on one path. */
export class MemoryPair {
  readonly pos: MemoryLink;
  readonly terminal: MemoryLink;

  constructor(
    readonly id: number,
    readonly path: string,
    ctx: PairContext,
  ) {
    const toTerminal = new Pipe(this, 'toTerminal', () => this.terminal, ctx);
    const toPos = new Pipe(this, 'toPos', () => this.pos, ctx);
    this.pos = new MemoryLink(path, 'pos', {
      send: (frame) => toTerminal.push(frame),
      close: (reason, code) => toTerminal.closeRemote(reason, code),
    });
    this.terminal = new MemoryLink(path, 'terminal', {
      send: (frame) => toPos.push(frame),
      close: (reason, code) => toPos.closeRemote(reason, code),
    });
  }

  get isOpen(): boolean {
    return this.pos.isOpen || this.terminal.isOpen;
  }

  /** The network goes away: both sides close at once, neither cleanly. */
  cut(reason: string, code = 1006): void {
    this.pos.finish({ reason, code, clean: false });
    this.terminal.finish({ reason, code, clean: false });
  }
}
