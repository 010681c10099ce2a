import type { Assessment } from '../scoring/assessment.js';
import type { Store } from '../store/store.js';
import type { SessionRow } from '../store/session-repository.js';
import type { TurnRow } from '../store/transcript-repository.js';

/** What the interview service knows of one session: its row, its turns in order, their assessments. */
export interface SessionState {
  session: SessionRow;
  turns: TurnRow[];
  assessments: Map<string, Assessment>;
}

/**
 * The sessions in play, kept in memory after they are read once, so an answer costs no reads.
 * The store stays the truth: the service changes a state only after the write that it mirrors has
 * committed, and forgets a state whenever a step fails, so the next step reads the store again.
 * The least recently used states go first once `limit` are held.
 */
export class SessionStates {
  private readonly states = new Map<string, SessionState>();

  constructor(
    private readonly store: Store,
    private readonly limit = 20_000,
  ) {}

  get(sessionId: string): SessionState | undefined {
    let state = this.states.get(sessionId);
    if (state) {
      // most recently used last: re-inserting moves it to the end of the map's order
      this.states.delete(sessionId);
    } else {
      // one read transaction: the three reads see the same moment, not a write landing in between
      const read = this.store.transaction(() => {
        const session = this.store.sessions.get(sessionId);
        return session && { session, turns: this.store.transcript.turns(sessionId), assessments: this.store.assessments.forSession(sessionId) };
      });
      if (!read) return undefined;
      state = read;
    }
    this.remember(state);
    return state;
  }

  /** The state held now, if any, without reading the store or touching its recency. */
  peek(sessionId: string): SessionState | undefined {
    return this.states.get(sessionId);
  }

  /** A state built by the caller from rows it has just committed. */
  remember(state: SessionState): void {
    this.states.set(state.session.id, state);
    if (this.states.size > this.limit) this.states.delete(this.states.keys().next().value!);
  }

  forget(sessionId: string): void {
    this.states.delete(sessionId);
  }
}
