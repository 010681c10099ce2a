import { describe, expect, it } from 'vitest';
import { newRowId } from '../../server/store/row-ids.js';

describe('newRowId', () => {
  it('is a version 7 UUID', () => {
    expect(newRowId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts in the order the ids were made, within one millisecond too, so new keys go to the end of an index', async () => {
    const made = Array.from({ length: 2_000 }, () => newRowId());
    await new Promise((resolve) => setTimeout(resolve, 5));
    made.push(newRowId());
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
  });
});
