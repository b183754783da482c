import type { BackfillState, TodayUsage } from '../contract/index.js';
import type { DiscordClientState } from '../discord/client.js';
import type { UsageSnapshot } from '../contract/index.js';
import type { LockState } from './lock.js';

/**
 * Everything the app, `run` and the `codex` wrapper show about the
 * publisher, in one value. Each change replaces the object; a field that did
 * not change keeps its value (the same reference), so a view compares fields
 * to know what to redraw.
 */
export interface PublisherState {
  /** The latest usage snapshot; null until the first one is out. */
  snapshot: UsageSnapshot | null;
  /** The Discord client's state, worded by `describeDiscord`. */
  discord: DiscordClientState;
  /** True only while this process publishes, Discord is connected, presence is not paused and an activity is set. */
  published: boolean;
  /** The session the published activity shows; null when nothing is published or it shows "Idle". */
  shownSessionId: string | null;
  /** Usage history's backfill; null while this process records none. */
  backfill: BackfillState | null;
  paused: boolean;
  lock: LockState;
  /** Counts changes of the recorded history (a recording, backfill progress, a clear). */
  historyRevision: number;
  /** Today's tokens and cost from the recorded history (issue 24 §1); null while this process records none. */
  today: TodayUsage | null;
}

export type StateListener = (next: PublisherState, previous: PublisherState) => void;

/** Did any of these fields change? (A view redraws only for what it shows.) */
export function changedIn(
  next: PublisherState,
  previous: PublisherState,
  keys: ReadonlyArray<keyof PublisherState>,
): boolean {
  return keys.some((key) => next[key] !== previous[key]);
}

const KEYS = [
  'snapshot',
  'discord',
  'published',
  'shownSessionId',
  'backfill',
  'paused',
  'lock',
  'historyRevision',
  'today',
] as const satisfies ReadonlyArray<keyof PublisherState>;
/** A field left out of KEYS would never be compared: the compiler says so. */
type Unlisted = Exclude<keyof PublisherState, (typeof KEYS)[number]>;
const everyKeyListed: [Unlisted] extends [never] ? true : never = true;
void everyKeyListed;

function keep<K extends keyof PublisherState>(to: PublisherState, from: PublisherState, key: K): void {
  to[key] = from[key];
}

/** Equal for a view: the snapshot by identity (it is replaced on every change), the rest by value. */
function same<K extends keyof PublisherState>(key: K, a: PublisherState[K], b: PublisherState[K]): boolean {
  if (a === b) return true;
  if (key === 'snapshot' || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The observable state: `update` emits once per real change, whatever the order of the callers. */
export class StateCell {
  private readonly listeners = new Set<StateListener>();

  constructor(
    private current: PublisherState,
    private readonly onListenerError: (error: Error) => void,
  ) {}

  get value(): PublisherState {
    return this.current;
  }

  update(patch: Partial<PublisherState>): void {
    const previous = this.current;
    const next: PublisherState = { ...previous, ...patch };
    let changed = false;
    for (const key of KEYS) {
      if (same(key, previous[key], next[key])) keep(next, previous, key);
      else changed = true;
    }
    if (!changed) return;
    this.current = next;
    for (const listener of this.listeners) {
      try {
        listener(next, previous);
      } catch (error) {
        this.onListenerError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
