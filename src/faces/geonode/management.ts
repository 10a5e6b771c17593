/**
 * @module /api/v2/management (reference B.3.6): the whitelisted commands of
 * catalog/geonode/management.ts and their jobs. Staff only; answers in the management views'
 * own shape `{"success", "error", "data"}`; job lists use the GeoNode page envelope.
 */
import { SYSTEM } from "../../catalog/acl.ts";
import { GnForbidden, GnInvalid } from "../../catalog/geonode/errors.ts";
import {
  COMMANDS,
  commandOf,
  type JobRow,
  ManagementJobs,
} from "../../catalog/geonode/management.ts";
import type { AppContext } from "../../http/context.ts";
import { NotAuthenticated } from "./errors.ts";
import { type C, jsonBody, paginate, pathId } from "./list.ts";

/** DRF's 404 in GeoNode's envelope. */
function fail404(c: C): Response {
  return c.json({ success: false, errors: ["Not found."], code: "not_found" }, 404);
}

export function managementHandlers(app: AppContext) {
  const jobs = new ManagementJobs(app.catalog);
  const staff = (c: C) => {
    const a = c.get("actor");
    if (a.id === SYSTEM.guest) throw new NotAuthenticated();
    if (!a.superuser) throw new GnForbidden();
    return a;
  };
  const ok = (c: C, data: unknown, status = 200) =>
    c.json({ success: true, error: null, data }, status as 200);
  const fail = (c: C, status: number, error: string) =>
    c.json({ success: false, error, data: null }, status as 400);
  /** Management views answer bad input in their own shape. */
  const guarded =
    (fn: (c: C) => Promise<Response>) =>
    async (c: C): Promise<Response> => {
      staff(c);
      try {
        return await fn(c);
      } catch (err) {
        if (err instanceof GnInvalid) return fail(c, 400, err.message);
        throw err;
      }
    };
  const command = (c: C) => c.req.param("cmd") ?? "";
  /** The job of the path, within the path's command when there is one. */
  const job = async (c: C): Promise<JobRow | null> => {
    const id = pathId(c, "id");
    const j = id === null ? undefined : await jobs.get(id);
    if (!j || (c.req.param("cmd") !== undefined && j.command !== command(c))) return null;
    return j;
  };
  const summary = (j: JobRow) => ({
    id: j.id,
    command: j.command,
    app_name: j.app_name,
    user: j.user,
    status: j.status,
    created_at: j.created_at,
  });

  const noHarvesting = new GnInvalid(
    "harvester_type",
    "gisd has no harvester types: harvesting remote catalogs is not supported.",
  );
  const empty = (key: string) => async (c: C) => {
    staff(c);
    return paginate(c, key, [], {
      filterable: ["id"],
      sortable: ["id"],
      defaultSort: ["id"],
      defaultSearch: [],
    });
  };

  return {
    /** Harvesters (B.3.7): none exist and none can be made; reads are empty, writes 400. */
    harvesters: empty("harvesters"),
    harvestingSessions: empty("harvesting_sessions"),
    async harvesterItem(c: C) {
      staff(c);
      if (c.req.method === "GET") return fail404(c);
      throw noHarvesting;
    },
    async harvesterWrite(c: C) {
      staff(c);
      throw noHarvesting;
    },
    list: guarded(async (c) => {
      if (c.req.method === "POST") {
        const body = (await jsonBody(c)) as Record<string, unknown>;
        const name = typeof body?.command === "string" ? body.command : "";
        if (!commandOf(name)) return fail(c, 400, "Command not found");
        return ok(c, await jobs.create(staff(c).id, name, body), 201);
      }
      return ok(c, Object.keys(COMMANDS));
    }),
    command: guarded(async (c) => {
      const cmd = commandOf(command(c));
      if (c.req.method === "POST") {
        if (!cmd) return fail(c, 400, "Command not found");
        return ok(c, await jobs.create(staff(c).id, command(c), await jsonBody(c)), 201);
      }
      if (!cmd) return fail(c, 404, "Command not found");
      return ok(c, cmd.help);
    }),
    jobs: guarded(async (c) => {
      const name = c.req.param("cmd");
      if (name !== undefined && !commandOf(name)) return fail(c, 404, "Command not found");
      if (c.req.method === "POST") {
        const body = (await jsonBody(c)) as Record<string, unknown>;
        const cmd = name ?? (typeof body?.command === "string" ? body.command : "");
        if (!commandOf(cmd)) return fail(c, 400, "Command not found");
        return c.json(await jobs.create(staff(c).id, cmd, body), 201);
      }
      return paginate(c, "results", (await jobs.list(name)).map(summary), {
        filterable: ["id", "status", "command", "app_name", "user"],
        sortable: ["id", "created_at", "status"],
        defaultSort: ["-id"],
        defaultSearch: ["command"],
      });
    }),
    job: guarded(async (c) => {
      const j = await job(c);
      return j ? c.json(j) : fail(c, 404, "Not found.");
    }),
    start: guarded(async (c) => {
      const j = await job(c);
      if (!j) return fail(c, 404, "Not found.");
      await jobs.start(j.id);
      return c.json(await jobs.get(j.id));
    }),
    stop: guarded(async (c) => {
      const j = await job(c);
      if (!j) return fail(c, 404, "Not found.");
      await jobs.stop(j.id);
      return c.json(await jobs.get(j.id));
    }),
    status: guarded(async (c) => {
      const j = await job(c);
      if (!j) return fail(c, 404, "Not found.");
      const state = {
        CREATED: "PENDING",
        QUEUED: "PENDING",
        STARTED: "STARTED",
        FINISHED: "SUCCESS",
      }[j.status];
      return c.json({
        id: j.id,
        status: j.status,
        celery_result_id: null,
        celery_task_meta: {
          status: state,
          result: j.output_message,
          traceback: j.output_message?.startsWith("Error:") ? j.output_message : null,
          date_done: j.end_time,
        },
      });
    }),
  };
}
