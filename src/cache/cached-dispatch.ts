import type { TaskInput, TaskName } from '../../providers/task-schemas.js';
import type { Tenant } from '../../repositories/types.js';
import type { ClientWatch, DispatchResult, TaskDispatcher, TaskOptions } from '../dispatch.js';
import type { CacheMode, CacheStatus, TaskCache } from './task-cache.js';

export interface CachedDispatchRequest {
  task: TaskName;
  input: TaskInput;
  tenant: Tenant;
  requestId: string;
  options: TaskOptions;
  /** Subscribed only when the answer has to be computed: a cache hit needs no abort wiring. */
  watchClient: ClientWatch;
}

/** A task through the answer cache: the key is built from the same chain the dispatcher would walk. */
export async function cachedDispatch(
  dispatcher: TaskDispatcher,
  cache: TaskCache,
  request: CachedDispatchRequest,
  mode: CacheMode,
): Promise<{ out: DispatchResult; status: CacheStatus }> {
  const chain = dispatcher.chainFor(request.task, request.tenant, request.options.providers);
  return cache.run(
    {
      tenantId: request.tenant.id,
      task: request.task,
      models: chain.map((p) => `${p.name}:${p.modelFor?.(request.task) ?? p.kind}`),
      input: request.input,
      options: { providers: request.options.providers },
    },
    mode,
    () =>
      dispatcher.run({
        task: request.task,
        input: request.input,
        tenant: request.tenant,
        requestId: request.requestId,
        options: request.options,
        watchClient: request.watchClient,
      }),
  );
}
