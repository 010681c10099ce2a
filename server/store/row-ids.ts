import { v7 } from 'uuid';

/**
 * A new id for a session or a turn: a UUID whose leading 48 bits are its creation time in
 * milliseconds (version 7), then a counter that starts at a random value each millisecond, then
 * random bits, so ids sort in the order they were made.
 *
 * The ids are primary keys, and their indexes are b-trees. With random ids each insert lands on a
 * leaf anywhere in the index, so every checkpoint copies, and syncs to the database file, one page
 * per insert, and more of them the larger the database grows. Ids in time order go to the last few
 * leaves instead. A session's token, not its id, is what grants access to it.
 */
export function newRowId(): string {
  return v7();
}
