/**
 * The OpenWhisk write API that `aio app deploy` / `undeploy`, `aio rt action create|update|delete`
 * and the openwhisk client use: PUT and DELETE of packages and actions (`overwrite=true` to
 * update). Only with the namespace key (or, under `/runtime`, a token of the local IMS):
 * deployed code runs as the namespace, as on I/O Runtime. Triggers and rules are not
 * supported: their writes answer 501 with a JSON body saying so.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LocalRuntime } from '../runtime';
import { NOT_FOUND, runtimeError } from '../errors';
import type { RestGuard } from './request';
import type { EntityViews } from './entities';
import { bodyObject, parseAction, parsePackage } from './deploy-body';

function rawOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function conflict(): never {
  throw runtimeError(409, 'resource already exists');
}

/** PUT .../actions/{pkg}/{name}: create, or replace with overwrite=true. */
export function putAction(rt: LocalRuntime, views: EntityViews, req: FastifyRequest, fullName: string): unknown {
  const [pkg, name] = fullName.split('/') as [string, string];
  const q = req.query as Record<string, string | undefined>;
  if (!/^[\w@.-][\w@ .-]*$/.test(name)) throw runtimeError(400, `The action name '${name}' is not valid.`);
  const packageExists =
    pkg === 'default' ||
    rt.deployed.packages().some((p) => p.name === pkg) ||
    rt.specList().some((s) => s.packageName === pkg);
  if (!packageExists) throw runtimeError(404, `${NOT_FOUND} The package '${pkg}' does not exist: create it first.`);
  if (rt.spec(fullName) && q.overwrite !== 'true') conflict();
  const action = parseAction(bodyObject(rawOf(req)), pkg, name, rt.deployed.get(fullName)?.action);
  try {
    rt.deployAction(action);
  } catch (e) {
    throw runtimeError(400, `The request content was malformed: exec.code cannot be unpacked: ${(e as Error).message}`);
  }
  return views.action(fullName, true, false);
}

/** DELETE .../actions/{pkg}/{name}: only deployed actions (app.config.yaml's stay). */
export async function deleteAction(rt: LocalRuntime, views: EntityViews, fullName: string): Promise<unknown> {
  if (!rt.deployed.get(fullName)) {
    if (rt.spec(fullName)) {
      throw runtimeError(
        405,
        `The action ${fullName} comes from app.config.yaml on the local platform and cannot be deleted (remove it from the file).`,
      );
    }
    throw runtimeError(404, NOT_FOUND);
  }
  const before = views.action(fullName, true, false);
  await rt.undeployAction(fullName);
  return before;
}

export function registerDeployRoutes(
  app: FastifyInstance,
  rt: LocalRuntime,
  guard: RestGuard,
  views: EntityViews,
): void {
  app.put('/api/v1/namespaces/:ns/packages/:pkg', async (req) => {
    guard.authorize(req);
    const { ns, pkg } = req.params as { ns: string; pkg: string };
    guard.requireNamespace(ns);
    if (!/^[\w@.-][\w@ .-]*$/.test(pkg) || pkg === 'default')
      throw runtimeError(400, `The package name '${pkg}' is not valid.`);
    const existing = rt.deployed.packages().find((p) => p.name === pkg);
    const exists = existing !== undefined || views.packages().some((p) => p.name === pkg);
    if (exists && (req.query as { overwrite?: string }).overwrite !== 'true') conflict();
    const p = parsePackage(bodyObject(rawOf(req)), pkg, existing);
    rt.deployed.putPackage(p);
    return { ...p, namespace: (views.packages()[0]?.namespace as string) ?? ns, binding: {} };
  });

  app.delete('/api/v1/namespaces/:ns/packages/:pkg', async (req) => {
    guard.authorize(req);
    const { ns, pkg } = req.params as { ns: string; pkg: string };
    guard.requireNamespace(ns);
    const existing = rt.deployed.packages().find((p) => p.name === pkg);
    const actions = views.actionsOf(pkg);
    if (!existing) {
      if (actions.length > 0) {
        throw runtimeError(
          405,
          `The package ${pkg} comes from app.config.yaml on the local platform and cannot be deleted.`,
        );
      }
      throw runtimeError(404, NOT_FOUND);
    }
    if (actions.length > 0) {
      throw runtimeError(
        409,
        `Package not empty (contains ${actions.length} ${actions.length === 1 ? 'entity' : 'entities'}).`,
      );
    }
    rt.deployed.deletePackage(pkg);
    return { ...existing, binding: {} };
  });

  const unsupported = async (req: FastifyRequest, reply: FastifyReply): Promise<never> => {
    guard.authorize(req);
    const kind = req.url.includes('/rules') ? 'Rules' : 'Triggers';
    void reply;
    throw runtimeError(
      501,
      `${kind} are not supported by the local platform: deploy actions (web actions, or I/O Events registrations that call actions) instead.`,
    );
  };
  for (const kind of ['triggers', 'rules']) {
    app.route({ method: ['PUT', 'POST', 'DELETE'], url: `/api/v1/namespaces/:ns/${kind}`, handler: unsupported });
    app.route({
      method: ['GET', 'PUT', 'POST', 'DELETE'],
      url: `/api/v1/namespaces/:ns/${kind}/*`,
      handler: unsupported,
    });
  }
}
