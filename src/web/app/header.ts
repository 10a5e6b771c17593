/** @module The top bar every page shares: product name, who is signed in, sign in/out. */
import { api, type CurrentUser, currentUser } from "./api.ts";
import { h } from "./dom.ts";

export async function header(): Promise<{ el: HTMLElement; user: CurrentUser | null }> {
  let user: CurrentUser | null = null;
  try {
    user = await currentUser();
  } catch {
    user = null;
  }
  const guest = !user || user.keyname === "guest";
  const signOut = async () => {
    await api("/api/component/auth/logout", { method: "POST" });
    location.href = "/login";
  };
  const next = encodeURIComponent(location.pathname + location.search);
  const el = h(
    "header",
    { class: "top" },
    h("a", { href: "/resource/0", class: "brand" }, "gisd"),
    h(
      "nav",
      { "aria-label": "Account" },
      guest
        ? h("a", { href: `/login?next=${next}` }, "Sign in")
        : [
            h("span", { class: "user" }, user!.display_name),
            h("button", { type: "button", onclick: signOut }, "Sign out"),
          ],
    ),
  );
  return { el, user: guest ? null : user };
}
