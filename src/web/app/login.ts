/** @module The sign-in page: NGW's /api/component/auth/login sets the ngw_sid session cookie. */
import { api } from "./api.ts";
import { h } from "./dom.ts";

/** Only same-site paths are followed after signing in (no open redirect). */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get("next") ?? "";
  return /^\/(?![/\\])/.test(next) ? next : "/resource/0";
}

export function loginPage(root: HTMLElement): void {
  const error = h("p", { class: "error", role: "alert" });
  const login = h("input", {
    id: "login",
    name: "login",
    autocomplete: "username",
    required: true,
  });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    error.textContent = "";
    try {
      await api("/api/component/auth/login", {
        method: "POST",
        json: { login: login.value, password: password.value },
      });
      location.href = nextPath();
    } catch (err) {
      error.textContent = (err as Error).message;
      password.select();
    }
  };
  root.append(
    h(
      "main",
      { class: "login" },
      h(
        "form",
        { onsubmit: submit, "aria-labelledby": "login-title" },
        h("h1", { id: "login-title" }, "Sign in to gisd"),
        h("label", { for: "login" }, "Login"),
        login,
        h("label", { for: "password" }, "Password"),
        password,
        error,
        h("button", { type: "submit", class: "primary" }, "Sign in"),
        h("p", {}, h("a", { href: "/resource/0" }, "Continue as guest")),
      ),
    ),
  );
  login.focus();
}
