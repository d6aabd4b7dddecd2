/**
 * The task registry: one line per task. Everything that lists tasks (routes, scopes, config sections, cache TTLs,
 * output caps) derives from this list.
 */
import { Type, type Static, type TOptional, type TSchema } from 'typebox';
import { categorize } from './categorize.js';
import { recommendations } from './recommendations.js';
import { sentiment } from './sentiment.js';
import { smartResponse } from './smart-response.js';
import type { TaskDescriptor } from './task-descriptor.js';

const DESCRIPTORS = [sentiment, categorize, smartResponse, recommendations] as const;

type Descriptors = (typeof DESCRIPTORS)[number];
export type TaskName = Descriptors['name'];
export type TaskTypes = { [D in Descriptors as D['name']]: { input: Static<D['input']>; result: Static<D['result']> } };
export type TaskInput<T extends TaskName = TaskName> = TaskTypes[T]['input'];
export type TaskResult<T extends TaskName = TaskName> = TaskTypes[T]['result'];

export const TASKS = DESCRIPTORS.map((d) => d.name) as readonly TaskName[];

const BY_NAME = new Map<string, TaskDescriptor>(DESCRIPTORS.map((d) => [d.name, d as unknown as TaskDescriptor]));

/** The descriptor of a task, with its hooks typed loosely: callers hand it the task's own input and result. */
export function taskDescriptor(task: TaskName): TaskDescriptor<TaskName> {
  return BY_NAME.get(task) as TaskDescriptor<TaskName>;
}

/** One optional entry per task, built from TASKS; unknown task names are rejected. */
export function perTask<S extends TSchema>(schema: S) {
  const entries = Object.fromEntries(TASKS.map((task) => [task, Type.Optional(schema)])) as { [K in TaskName]: TOptional<S> };
  return Type.Object(entries, { additionalProperties: false });
}

/** A value per task, from each descriptor. */
export function byTask<V>(value: (d: TaskDescriptor<TaskName>) => V): Record<TaskName, V> {
  return Object.fromEntries(TASKS.map((t) => [t, value(taskDescriptor(t))])) as Record<TaskName, V>;
}

export { SentimentLabel } from './schema-parts.js';
export { CONFIDENT_THRESHOLD } from './categorize.js';
export { Tone } from './smart-response.js';
