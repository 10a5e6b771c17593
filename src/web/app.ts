/** @module Entry of the small UI bundle: sign-in, resource browser and feature table. */
import { browserPage } from "./app/browser.ts";
import { loginPage } from "./app/login.ts";
import { tablePage } from "./app/table.ts";

const page = document.body.dataset.page;
const id = Number(document.body.dataset.id);
const root = document.body;
if (page === "login") loginPage(root);
else if (page === "browser") browserPage(root, id);
else if (page === "table") tablePage(root, id);
