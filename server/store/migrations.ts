/**
 * Schema migrations, applied in order. `PRAGMA user_version` records how many have run, so each
 * entry runs exactly once per database file. Never edit a shipped entry; append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    token_hash    TEXT NOT NULL,
    candidate     TEXT,
    bank_id       TEXT NOT NULL,
    mode          TEXT NOT NULL CHECK (mode IN ('practice', 'realistic')),
    level         TEXT NOT NULL,
    topics        TEXT NOT NULL,               -- JSON array
    follow_ups    INTEGER NOT NULL,
    question_ids  TEXT NOT NULL,               -- JSON array: the planned bank questions, in order
    status        TEXT NOT NULL CHECK (status IN ('active', 'complete')),
    overall       REAL,
    client_ip     TEXT,
    created_at    TEXT NOT NULL,
    completed_at  TEXT
  );

  CREATE TABLE turns (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions(id),
    seq             INTEGER NOT NULL,          -- 1-based order of turns in the session
    question_index  INTEGER NOT NULL,          -- 1-based position of the bank question
    question_id     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('bank', 'follow-up')),
    parent_turn_id  TEXT REFERENCES turns(id),
    point_id        TEXT,                      -- the key point a follow-up probes
    text            TEXT NOT NULL,
    asked_at        TEXT NOT NULL,
    answer          TEXT,
    answered_at     TEXT,
    status          TEXT NOT NULL CHECK (status IN ('asked', 'answered', 'scored')),
    UNIQUE (session_id, seq)
  );

  -- The transcript: every interviewer and candidate message, in order.
  CREATE TABLE messages (
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    seq         INTEGER NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('interviewer', 'candidate')),
    turn_id     TEXT NOT NULL REFERENCES turns(id),
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE assessments (
    turn_id            TEXT PRIMARY KEY REFERENCES turns(id),
    session_id         TEXT NOT NULL REFERENCES sessions(id),
    scorer             TEXT NOT NULL,
    model              TEXT,
    prompt_version     TEXT,
    overall            REAL NOT NULL,
    band               TEXT NOT NULL,
    prompt_tokens      INTEGER,
    completion_tokens  INTEGER,
    latency_ms         REAL NOT NULL,
    data               TEXT NOT NULL,          -- the full Assessment as JSON
    created_at         TEXT NOT NULL
  );

  CREATE INDEX turns_by_status ON turns (status) WHERE status = 'answered';
  CREATE INDEX assessments_by_session ON assessments (session_id);
  `,
  `
  -- The written report, stored when the interview completes.
  CREATE TABLE reports (
    session_id  TEXT PRIMARY KEY REFERENCES sessions(id),
    version     INTEGER NOT NULL,
    data        TEXT NOT NULL,                 -- the Report as JSON
    created_at  TEXT NOT NULL
  ) WITHOUT ROWID;

  -- A session started to retry questions of an earlier one, so its report can compare attempts.
  ALTER TABLE sessions ADD COLUMN retry_of TEXT REFERENCES sessions(id);
  `,
  `
  -- The questions a session asks, frozen when it starts, so editing or removing a bank never changes
  -- an interview already under way (or the report of one that is over).
  ALTER TABLE sessions ADD COLUMN questions TEXT;   -- JSON array of bank questions; null in older rows

  CREATE INDEX sessions_by_ip ON sessions (client_ip, status);
  `,
  `
  -- Fewer index pages in every answer's commits. Both indexes were written on every answer: the turns
  -- waiting for a score (once when answered, again when scored) and the assessments by session.
  -- Start-up finds unscored answers through the active sessions instead, an index written twice per
  -- interview; a session's assessments are read through its turns.
  DROP INDEX turns_by_status;
  DROP INDEX assessments_by_session;
  CREATE INDEX sessions_active ON sessions (status) WHERE status = 'active';
  `,
  `
  -- The transcript is read from the turns it repeated: every answer's commit wrote its text twice,
  -- and the messages table's pages (with overflow pages for a long answer) were the largest part of
  -- that commit. Each turn is one interviewer message and, once answered, one candidate message, in
  -- turn order, so the view numbers them exactly as the table did.
  DROP TABLE messages;
  CREATE VIEW messages (session_id, seq, role, turn_id, text, created_at) AS
    SELECT session_id, 2 * seq - 1, 'interviewer', id, text, asked_at FROM turns
    UNION ALL
    SELECT session_id, 2 * seq, 'candidate', id, answer, answered_at FROM turns WHERE answer IS NOT NULL;
  `,
  `
  -- A session's frozen questions (some 17 KB of JSON, most of it in overflow pages) in a table of their
  -- own: in the session's row, completing the interview rewrote all of them to change three columns,
  -- and every listing of sessions read them.
  -- (not WITHOUT ROWID: a row this large belongs in a table b-tree, which keeps four times as much of
  -- it in the leaf page and writes fewer pages)
  CREATE TABLE session_questions (
    session_id  TEXT PRIMARY KEY REFERENCES sessions(id),
    questions   TEXT NOT NULL                  -- JSON array of bank questions
  );
  INSERT INTO session_questions (session_id, questions) SELECT id, questions FROM sessions WHERE questions IS NOT NULL;
  ALTER TABLE sessions DROP COLUMN questions;
  `,
  `
  -- A frozen question is stored once, however many sessions ask it, under a hash of its JSON: nearly
  -- every session asks questions that an earlier one froze, and their JSON (some 17 KB a session) was
  -- the largest part of what starting an interview wrote. A new session keeps its questions' keys,
  -- in order; a session stored before keeps its row in session_questions.
  CREATE TABLE frozen_questions (
    key       TEXT PRIMARY KEY,            -- sha256 of the question's JSON, in hex
    question  TEXT NOT NULL                -- one bank question, as JSON
  );
  ALTER TABLE sessions ADD COLUMN question_keys TEXT;   -- JSON array of frozen_questions keys; null in older rows
  `,
];
