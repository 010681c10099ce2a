import { stem } from './stem.js';

/**
 * Near-synonyms and abbreviations an interviewer would accept for each other. Each group folds to
 * one key (the stem of its first word), so a cue "database" also matches "DB" and "datastore".
 * Kept deliberately narrow: a group must never merge words a grader would tell apart.
 */
const GROUPS: readonly string[] = [
  '1 one', '2 two', '3 three', '4 four', '5 five', '10 ten', '100 hundred', '1000 thousand',
  'database db dbs datastore rdbms dbms',
  'postgresql postgres pg psql',
  'kubernetes k8s kube',
  'javascript js',
  'typescript ts',
  'authentication authn authenticate authenticated',
  'authorization authz authorize authorise authorisation authorized',
  'application app apps',
  'configuration config',
  'environment env',
  'production prod',
  'repository repo',
  'request req',
  'response resp res',
  'message msg',
  'millisecond ms',
  'latency delay lag',
  'fast quick rapid speedy',
  'slow sluggish',
  'big large huge',
  'small tiny little',
  'error failure fault',
  'fail crash',
  'duplicate dupe dup',
  'deduplicate dedupe dedup deduplication',
  'idempotent idempotency idempotence',
  'asynchronous async asynchronously',
  'synchronous sync synchronously',
  'distributed decentralized decentralised',
  'replica replication replicate replicated replicas copy copies',
  'shard sharding shards sharded',
  'horizontal horizontally scale-out',
  'vertical vertically scale-up',
  'throughput qps rps tps',
  'limit limiting throttle throttling',
  'lock locking mutex',
  'queue queues queueing queuing',
  'broker kafka rabbitmq sqs pubsub',
  'container containers containerize containerise containerized containerization containerisation',
  'deploy deployment deploys deployed rollout release',
  'rollback revert',
  'pipeline workflow',
  'test tests testing',
  'vulnerability vulnerabilities exploit',
  'encrypt encryption encrypted cipher',
  'password credential credentials',
  'user users customer',
  'function method procedure routine',
  'parameter argument param arg',
  'variable var',
  'memory ram',
  'allocate allocation malloc',
  'delete remove erase',
  'insert add append',
  'find search lookup locate',
  'begin start',
  'end finish terminate',
  'element item entry',
  'size length',
  'run execute',
  'build compile',
  'correct valid',
  'wrong incorrect invalid',
  'first initial',
  'last final',
  'show display print output',
  'check verify validate',
  'simple easy',
  'hard difficult',
  'change modify update alter',
  'create generate',
  'store save persist',
  'structure organization organisation',
  'need require',
  'use utilize utilise employ',
  'specify define declare',
  'object instance',
];

const canon = new Map<string, string>();
for (const line of GROUPS) {
  const words = line.split(/\s+/);
  const key = stem(words[0]!);
  for (const w of words) {
    const s = stem(w);
    if (!canon.has(s)) canon.set(s, key);
  }
}

/** The key a stemmed word is compared under: its synonym group's key, or the stem itself. */
export function canonical(stemmed: string): string {
  return canon.get(stemmed) ?? stemmed;
}
