/**
 * Function words and fillers that say nothing about a technical point. Dropped before cues are
 * matched and before similarity is measured; their share of an answer is also a sign of real prose
 * (a bare keyword list has almost none).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below
  between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each either
  etc few for from further had hadn't has hasn't have haven't having he he'd he'll her here here's hers herself him
  himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
  myself neither no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd
  she'll should shouldn't so some such than that that's the their theirs them themselves then there there's these
  they they'd they'll they're they've this those through to too under until up upon very was wasn't we we'd we'll
  we're we've were weren't what what's when when's where where's which while who who's whom why why's will with won't
  would wouldn't you you'd you'll you're you've your yours yourself yourselves
  s t d ll re ve m e g eg ie i.e via per just really basically actually simply maybe perhaps probably quite
  thing things stuff something anything everything lot lots kind sort yes yeah ok okay well like get got gets getting
  must may might shall ones way ways make makes made much many every`
    .split(/\s+/)
    .filter(Boolean),
);

/** True for a lowercased word that carries no technical content. */
export function isStopWord(lower: string): boolean {
  return STOP_WORDS.has(lower);
}
