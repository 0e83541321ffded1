// gitea-js (npm, generated from Gitea's swagger) against oxforge.
import { Api, giteaApi } from "gitea-js";

const URL = process.env.OXFORGE_URL;
const TOKEN = process.env.OXFORGE_TOKEN;
const PASSWORD = process.env.OXFORGE_PASSWORD;
const basicHeader = (u, p) => "Basic " + Buffer.from(`${u}:${p}`).toString("base64");

async function check(name, fn) {
  try {
    const ok = await fn();
    if (ok === false) throw new Error("unexpected result");
    console.log(`PASS ${name}`);
  } catch (e) {
    const detail = e?.error?.message ?? e?.message ?? String(e);
    console.log(`FAIL ${name}: ${String(detail).slice(0, 300)}`);
  }
}

const admin = giteaApi(URL, { token: TOKEN, customFetch: fetch });
// giteaApi() only knows tokens; Basic auth goes through the generated Api class itself.
const basic = (u) =>
  new Api({ baseUrl: `${URL}/api/v1`, customFetch: fetch, baseApiParams: { format: "json", headers: { Authorization: basicHeader(u, PASSWORD) } } });
const state = {};

await check("version", async () => (await admin.version.getVersion()).data.version.startsWith("1."));
await check("settings api", async () => (await admin.settings.getGeneralApiSettings()).data.max_response_items === 50);
await check("auth token header get current user", async () => (await admin.user.userGetCurrent()).data.login === process.env.OXFORGE_ADMIN);
await check("admin create user", async () =>
  (await admin.admin.adminCreateUser({ username: "jsuser", email: "js@example.com", password: PASSWORD, must_change_password: false })).data.login === "jsuser");
await check("admin list users", async () => (await admin.admin.adminSearchUsers()).data.some((u) => u.login === "jsuser"));
await check("admin edit user", async () => (await admin.admin.adminEditUser("jsuser", { login_name: "jsuser", source_id: 0, full_name: "JS User" })).data.full_name === "JS User");
await check("get user", async () => (await admin.users.userGet("jsuser")).data.login === "jsuser");
await check("search users", async () => (await admin.users.userSearch({ q: "jsuser" })).data.data.length === 1);
await check("create token (basic auth)", async () => {
  const t = (await basic("jsuser").users.userCreateToken("jsuser", { name: "gitea-js", scopes: ["write:repository", "write:user"] })).data;
  state.token = t.sha1;
  state.tokenId = t.id;
  return t.sha1.length === 40 && t.scopes.join(",") === "write:repository,write:user";
});
await check("list tokens", async () => (await basic("jsuser").users.userGetTokens("jsuser")).data.some((t) => t.name === "gitea-js"));
const me = giteaApi(URL, { token: state.token, customFetch: fetch });
await check("create repository (user)", async () =>
  (await me.user.createCurrentUserRepo({ name: "js-repo", auto_init: true, description: "from gitea-js" })).data.full_name === "jsuser/js-repo");
await check("admin create repository for user", async () => (await admin.admin.adminCreateRepo("jsuser", { name: "js-admin-repo" })).data.empty === true);
await check("get repository", async () => {
  const r = (await me.repos.repoGet("jsuser", "js-repo")).data;
  state.repoId = r.id;
  return r.permissions.admin === true && r.default_branch === "main";
});
await check("get repository by id", async () => (await me.repositories.repoGetById(state.repoId)).data.name === "js-repo");
await check("list my repositories", async () => (await me.user.userCurrentListRepos()).data.length === 2);
await check("list user repositories", async () => (await admin.users.userListRepos("jsuser")).data.length === 2);
await check("search repositories", async () => {
  const res = await me.repos.repoSearch({ q: "js-", limit: 1 });
  return res.data.ok === true && res.data.data.length === 1 && res.headers.get("x-total-count") === "2";
});
await check("edit repository", async () => (await me.repos.repoEdit("jsuser", "js-repo", { description: "edited" })).data.description === "edited");
await check("list branches", async () => (await me.repos.repoListBranches("jsuser", "js-repo")).data[0].name === "main");
await check("get branch", async () => (await me.repos.repoGetBranch("jsuser", "js-repo", "main")).data.commit.id.length === 40);
await check("list git refs", async () => (await me.repos.repoListAllGitRefs("jsuser", "js-repo")).data[0].ref === "refs/heads/main");
await check("migrate repository", async () => {
  const r = (await me.repos.repoMigrate({ clone_addr: `${URL}/jsuser/js-repo.git`, repo_name: "js-migrated", mirror: true, mirror_interval: "1h" })).data;
  return r.name === "js-migrated" && r.mirror === true && r.mirror_interval === "1h0m0s";
});
await check("mirror sync", async () => (await me.repos.repoMirrorSync("jsuser", "js-migrated")).status === 200);
await check("delete repository", async () => (await me.repos.repoDelete("jsuser", "js-admin-repo")).status === 204);
await check("delete token", async () => (await basic("jsuser").users.userDeleteAccessToken("jsuser", String(state.tokenId))).status === 204);
await check("create organization", async () => (await admin.orgs.orgCreate({ username: "jsorg" })).data.name === "jsorg");
await check("create team", async () => {
  const t = (await admin.orgs.orgCreateTeam("jsorg", { name: "devs", permission: "read" })).data;
  state.teamId = t.id;
  return t.name === "devs" && t.permission === "read";
});
await check("create organization repository", async () => (await admin.orgs.createOrgRepo("jsorg", { name: "js-org-repo", private: true })).data.full_name === "jsorg/js-org-repo");
await check("team members and repositories", async () => {
  await admin.teams.orgAddTeamMember(state.teamId, "jsuser");
  await admin.teams.orgAddTeamRepository(state.teamId, "jsorg", "js-org-repo");
  const r = (await basic("jsuser").repos.repoGet("jsorg", "js-org-repo")).data;
  return r.permissions.pull === true && r.permissions.push === false;
});
await check("list my organizations", async () => (await basic("jsuser").user.orgListCurrentUserOrgs()).data.map((o) => o.name).join() === "jsorg");
await check("add collaborator", async () => (await basic("jsuser").repos.repoAddCollaborator("jsuser", "js-repo", process.env.OXFORGE_ADMIN, { permission: "write" })).status === 204);
await check("collaborator permission", async () => (await basic("jsuser").repos.repoGetRepoPermissions("jsuser", "js-repo", process.env.OXFORGE_ADMIN)).data.permission === "owner");
await check("create issue", async () => (await admin.repos.issueCreateIssue("jsuser", "js-repo", { title: "first" })).data.title === "first");
await check("create label", async () => {
  const l = (await admin.repos.issueCreateLabel("jsuser", "js-repo", { name: "bug", color: "#ee0701" })).data;
  state.labelId = l.id;
  return l.color === "ee0701";
});
await check("label an issue", async () => (await admin.repos.issueAddLabel("jsuser", "js-repo", 1, { labels: [state.labelId] })).data[0].name === "bug");
await check("list issues by label", async () => {
  const r = await admin.repos.issueListIssues("jsuser", "js-repo", { labels: "bug" });
  return r.data.length === 1 && r.headers.get("x-total-count") === "1";
});
await check("comment on an issue", async () => {
  await admin.repos.issueCreateComment("jsuser", "js-repo", 1, { body: "**hi**" });
  return (await admin.repos.issueGetComments("jsuser", "js-repo", 1)).data[0].body === "**hi**";
});
await check("close an issue", async () => (await admin.repos.issueEditIssue("jsuser", "js-repo", 1, { state: "closed" })).data.state === "closed");
await check("search issues", async () => (await admin.repos.issueSearchIssues({ state: "closed" })).data.some((i) => i.repository.full_name === "jsuser/js-repo"));
await check("create milestone", async () => (await admin.repos.issueCreateMilestone("jsuser", "js-repo", { title: "v1" })).data.title === "v1");
await check("admin delete user", async () => (await admin.admin.adminDeleteUser("jsuser", { purge: true })).status === 204);
