/**
 * @module Calls to gisd's NGW API from the browser with the session cookie. Errors carry NGW's
 * `message` so the UI shows what the server said.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T = unknown>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<T> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  const res = await fetch(path, { ...init, headers, body, credentials: "same-origin" });
  const text = await res.text();
  let data: { message?: string } | undefined;
  try {
    data = text === "" ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, data?.message ?? `${res.status} ${res.statusText}`);
  return data as T;
}

export interface CurrentUser {
  id: number;
  keyname: string;
  display_name: string;
}

export function currentUser(): Promise<CurrentUser> {
  return api<CurrentUser>("/api/component/auth/current_user");
}

/** NGW's description of one uploaded file, passed on as `source` when creating a layer. */
export interface UploadMeta {
  id: string;
  size: number;
  name?: string;
  mime_type?: string;
}

/** Upload one file with XHR (fetch has no upload progress); resolves with NGW's upload_meta. */
export function uploadFile(
  file: File,
  onProgress: (fraction: number) => void,
): Promise<UploadMeta> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/component/file_upload/");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener("load", () => {
      let data: { upload_meta?: UploadMeta[]; message?: string } | undefined;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data?.upload_meta?.[0])
        resolve(data.upload_meta[0]);
      else reject(new ApiError(xhr.status, data?.message ?? `Upload failed (${xhr.status})`));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "Upload failed: network error")));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
