import { CONFIDENT_THRESHOLD, type TaskName, type TaskResult } from './task-schemas.js';

/**
 * What the gateway adds to every provider's answer, whoever gave it: a categorisation says whether it is confident
 * (vendors and local models alike, by one threshold).
 */
export function completeAnswer<T extends TaskName>(task: T, result: TaskResult<T>): TaskResult<T> {
  if (task !== 'categorize') return result;
  const answer = result as TaskResult<'categorize'>;
  return { ...answer, confident: answer.confident ?? answer.confidence >= CONFIDENT_THRESHOLD } as TaskResult<T>;
}
