/**
 * @module Security writes of GeoServer's REST API (usergroup users and groups, roles and role
 * assignment) mapped onto gisd principals, for administrators only:
 *
 * | GeoServer | gisd |
 * | --- | --- |
 * | user (userName, password, enabled) | user (keyname, password, !disabled); the password policy applies |
 * | user group, and every role but the two below | group (the same gisd group answers as both) |
 * | role ADMIN | membership of the administrators group |
 * | role GROUP_ADMIN | listed for clients, cannot be assigned (gisd has no such role) |
 *
 * System users and groups (administrator, guest, everyone, …) cannot be deleted or renamed, as
 * in the NGW API. Bodies are JSON or XML; answers are GeoServer's: 201 on create, 200 otherwise.
 */
import { type Actor, SYSTEM } from "../../catalog/acl.ts";
import type { PrincipalRow } from "../../catalog/principals.ts";
import { badRequest, forbidden, GsError, notFound } from "./errors.ts";
import type { GsDeps, GsRoute } from "./index.ts";
import { empty, type GsReq } from "./request.ts";
import { settingsHandlers } from "./settings.ts";
import { asBool, asObj, asText } from "./xml.ts";

const ADMIN = "ADMIN";
const GROUP_ADMIN = "GROUP_ADMIN";

function adminOnly(actor: Actor): void {
  if (!actor.superuser) throw forbidden("Access denied: administrator privileges are required");
}

function jsonDoc(doc: unknown, status = 200): Response {
  return new Response(JSON.stringify(doc), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export function securityHandlers({ app }: GsDeps) {
  const p = app.catalog.principals;

  const user = async (name: string | undefined): Promise<PrincipalRow> => {
    const row = name ? await p.byKeyname(name, "U") : undefined;
    if (!row) throw notFound(`User not found: ${name}`);
    return row;
  };
  /** A group addressed as a user group or as a role (never a system group). */
  const group = async (name: string | undefined, what: string): Promise<PrincipalRow> => {
    const row = name ? await p.byKeyname(name, "G") : undefined;
    if (!row || row.system) throw notFound(`${what} not found: ${name}`);
    return row;
  };
  const setMembership = async (u: PrincipalRow, groupId: number, member: boolean) => {
    const now = new Set(await p.groupsOf(u.id));
    if (member) now.add(groupId);
    else now.delete(groupId);
    await p.updateUser(u.id, { member_of: [...now] });
  };
  /** The group a role stands for; ADMIN is the administrators group. */
  const roleGroup = async (role: string | undefined): Promise<number> => {
    if (role === ADMIN) return SYSTEM.administrators;
    if (role === GROUP_ADMIN) throw badRequest("The role GROUP_ADMIN cannot be assigned in gisd");
    return (await group(role, "Role")).id;
  };
  /** {user: {userName, password, enabled}} from a JSON or XML body. */
  const userBody = async (r: GsReq) => {
    const u = asObj((await r.body()).user);
    const password = asText(u.password);
    const enabled = asBool(u.enabled);
    return { userName: asText(u.userName), password, enabled };
  };

  return {
    async createUser(r: GsReq) {
      adminOnly(r.actor);
      const b = await userBody(r);
      if (!b.userName) throw badRequest("user.userName is required");
      if (await p.byKeyname(b.userName, "U"))
        throw new GsError(409, `User already exists: ${b.userName}`);
      await p.createUser({
        keyname: b.userName,
        password: b.password,
        disabled: b.enabled === undefined ? false : !b.enabled,
      });
      return empty(201);
    },
    async updateUser(r: GsReq) {
      adminOnly(r.actor);
      const u = await user(r.params.user);
      const b = await userBody(r);
      if (b.userName !== undefined && b.userName !== u.keyname)
        throw badRequest("The user name cannot be changed");
      await p.updateUser(u.id, {
        ...(b.password ? { password: b.password } : {}),
        ...(b.enabled === undefined ? {} : { disabled: !b.enabled }),
      });
      return empty();
    },
    async deleteUser(r: GsReq) {
      adminOnly(r.actor);
      const u = await user(r.params.user);
      if (u.id === r.actor.id) throw forbidden("You cannot delete yourself");
      await p.deleteUser(u.id);
      return empty();
    },
    async groups(r: GsReq) {
      adminOnly(r.actor);
      const groups = (await p.list("G")).filter((g) => !g.system).map((g) => g.keyname);
      return jsonDoc({ groups });
    },
    async createGroup(r: GsReq) {
      adminOnly(r.actor);
      const name = r.params.group!;
      if (name === ADMIN || name === GROUP_ADMIN || (await p.byKeyname(name, "G")))
        throw new GsError(409, `Group already exists: ${name}`);
      await p.createGroup({ keyname: name });
      return empty(201);
    },
    async deleteGroup(r: GsReq) {
      adminOnly(r.actor);
      await p.deleteGroup((await group(r.params.group, "Group")).id);
      return empty();
    },
    async userGroups(r: GsReq) {
      adminOnly(r.actor);
      const u = await user(r.params.user);
      const ids = new Set(await p.groupsOf(u.id));
      const groups = (await p.list("G")).filter((g) => !g.system && ids.has(g.id));
      return jsonDoc({ groups: groups.map((g) => g.keyname) });
    },
    async joinGroup(r: GsReq) {
      adminOnly(r.actor);
      await setMembership(
        await user(r.params.user),
        (await group(r.params.group, "Group")).id,
        true,
      );
      return empty();
    },
    async leaveGroup(r: GsReq) {
      adminOnly(r.actor);
      await setMembership(
        await user(r.params.user),
        (await group(r.params.group, "Group")).id,
        false,
      );
      return empty();
    },
    async createRole(r: GsReq) {
      adminOnly(r.actor);
      const name = r.params.role!;
      if (name === ADMIN || name === GROUP_ADMIN || (await p.byKeyname(name, "G")))
        throw new GsError(409, `Role already exists: ${name}`);
      await p.createGroup({ keyname: name });
      return empty(201);
    },
    async deleteRole(r: GsReq) {
      adminOnly(r.actor);
      if (r.params.role === ADMIN || r.params.role === GROUP_ADMIN)
        throw forbidden(`The role ${r.params.role} cannot be deleted`);
      await p.deleteGroup((await group(r.params.role, "Role")).id);
      return empty();
    },
    async userRoles(r: GsReq) {
      adminOnly(r.actor);
      const u = await user(r.params.user);
      const ids = new Set(await p.groupsOf(u.id));
      const roles = (await p.list("G"))
        .filter((g) => !g.system && ids.has(g.id))
        .map((g) => g.keyname);
      if (u.superuser || ids.has(SYSTEM.administrators)) roles.unshift(ADMIN);
      return jsonDoc({ roles });
    },
    async grantRole(r: GsReq) {
      adminOnly(r.actor);
      await setMembership(await user(r.params.user), await roleGroup(r.params.role), true);
      return empty();
    },
    async revokeRole(r: GsReq) {
      adminOnly(r.actor);
      const u = await user(r.params.user);
      const g = await roleGroup(r.params.role);
      if (g === SYSTEM.administrators && u.id === SYSTEM.administrator)
        throw forbidden("The administrator keeps the ADMIN role");
      await setMembership(u, g, false);
      return empty();
    },
  };
}

/**
 * The routes of these handlers; writes are `admin` (superusers only). Spread into the face's
 * route table, where the first match wins: the users path carries settings.ts's GET too.
 */
export function securityRoutes(d: GsDeps): GsRoute[] {
  const h = securityHandlers(d);
  const S = "/security";
  return [
    {
      path: `${S}/usergroup/users`,
      methods: { GET: settingsHandlers(d).users, POST: h.createUser },
      admin: true,
    },
    {
      path: `${S}/usergroup/user/{user}`,
      methods: { POST: h.updateUser, PUT: h.updateUser, DELETE: h.deleteUser },
      admin: true,
    },
    { path: `${S}/usergroup/groups`, methods: { GET: h.groups }, admin: true },
    {
      path: `${S}/usergroup/group/{group}`,
      methods: { POST: h.createGroup, DELETE: h.deleteGroup },
      admin: true,
    },
    { path: `${S}/usergroup/user/{user}/groups`, methods: { GET: h.userGroups }, admin: true },
    {
      path: `${S}/usergroup/user/{user}/group/{group}`,
      methods: { POST: h.joinGroup, DELETE: h.leaveGroup },
      admin: true,
    },
    {
      path: `${S}/roles/role/{role}`,
      methods: { POST: h.createRole, DELETE: h.deleteRole },
      admin: true,
    },
    { path: `${S}/roles/user/{user}`, methods: { GET: h.userRoles }, admin: true },
    {
      path: `${S}/roles/role/{role}/user/{user}`,
      methods: { POST: h.grantRole, DELETE: h.revokeRole },
      admin: true,
    },
  ];
}
