"""py-gitea (PyPI) against oxforge."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from common import ADMIN, PASSWORD, TOKEN, URL, check  # noqa: E402

from gitea import Gitea, Issue, Organization, Repository, User  # noqa: E402

admin = Gitea(URL, TOKEN)
state = {}

check("version", lambda: admin.get_version().startswith("1."))
check("auth token header: get current user", lambda: admin.get_user().username == ADMIN)
check("auth basic: get current user", lambda: Gitea(URL, auth=(ADMIN, PASSWORD)).get_user().login == ADMIN)


def create_user():
    u = admin.create_user("pyg", "pyg@example.com", PASSWORD, change_pw=False)
    state["user"] = u
    return u.username == "pyg"


check("admin create user", create_user)
check("admin list users", lambda: "pyg" in [u.username for u in admin.get_users()])
check("get user", lambda: User.request(admin, "pyg").email == "pyg@example.com")

basic = Gitea(URL, auth=("pyg", PASSWORD))


def create_token():
    t = basic.requests_post("/users/pyg/tokens", data={"name": "py-gitea"})
    state["token"] = t["sha1"]
    return len(t["sha1"]) == 40


check("create token (basic auth)", create_token)
check("list tokens", lambda: "py-gitea" in [t["name"] for t in basic.requests_get("/users/pyg/tokens")])
me = Gitea(URL, state.get("token"))


def create_repo():
    r = me.get_user().create_repo("py-repo", description="from py-gitea", autoInit=True)
    state["repo"] = r
    return r.full_name == "pyg/py-repo" and r.owner.username == "pyg"


check("create repository (user)", create_repo)
check("admin create repository for user", lambda: admin.create_repo(state["user"], "py-admin-repo", autoInit=False).name == "py-admin-repo")
check("get repository", lambda: Repository.request(me, "pyg", "py-repo").default_branch == "master")
check("list user repositories", lambda: {"py-repo", "py-admin-repo"} <= {r.name for r in state["user"].get_repositories()})
check("search repositories", lambda: any(r["name"] == "py-repo" for r in me.requests_get("/repos/search", params={"q": "py-repo"})["data"]))
check("list branches", lambda: [b.name for b in Repository.request(me, "pyg", "py-repo").get_branches()] == ["master"])


def edit_repo():
    r = Repository.request(me, "pyg", "py-repo")
    r.description = "edited"
    r.commit()
    return Repository.request(me, "pyg", "py-repo").description == "edited"


check("edit repository", edit_repo)


def delete_repo():
    Repository.request(me, "pyg", "py-admin-repo").delete()
    try:
        Repository.request(me, "pyg", "py-admin-repo")
    except Exception:  # noqa: BLE001 - NotFoundException expected
        return True
    return False


check("delete repository", delete_repo)
check("migrate repository", lambda: Repository.migrate_repo(me, "git", f"{URL}/pyg/py-repo.git", "py-migrated").name == "py-migrated")
check("create organization", lambda: admin.create_org(state["user"], "pyorg", "an org").username == "pyorg")
check("create team", lambda: admin.create_team(Organization.request(admin, "pyorg"), "devs").name == "devs")
check("create organization repository", lambda: Organization.request(admin, "pyorg").create_repo("orgrepo", private=True, default_branch="main").name == "orgrepo")
check("list organization repositories", lambda: [r.name for r in Organization.request(admin, "pyorg").get_repositories()] == ["orgrepo"])


def team_member_and_repo():
    org = Organization.request(admin, "pyorg")
    team = org.get_team("devs")
    team.add_user(User.request(admin, ADMIN))
    team.add_repo("pyorg", Repository.request(admin, "pyorg", "orgrepo"))
    return ADMIN in [u.username for u in team.get_members()] and [r.name for r in team.get_repos()] == ["orgrepo"]


check("team members and repositories", team_member_and_repo)
# (py-gitea's is_member/is_collaborator treat Gitea's 204 answer as an error, so they are
# not used here.)
check("organization members", lambda: sorted(u.username for u in Organization.request(admin, "pyorg").get_members()) == sorted([ADMIN, "pyg"]))


def collaborators():
    repo = Repository.request(admin, "pyorg", "orgrepo")
    admin.requests_put(f"/repos/pyorg/orgrepo/collaborators/{ADMIN}", data={"permission": "read"})
    perm = repo.get_user_permission("pyg")
    return perm.permission == "owner" and ADMIN in [u.username for u in repo.get_users_with_access()]


check("collaborators and permission", collaborators)
check("create issue", lambda: Repository.request(me, "pyg", "py-repo").create_issue("first issue", assignees=[], description="body").title == "first issue")
check("list issues", lambda: [i.title for i in Repository.request(me, "pyg", "py-repo").get_issues()] == ["first issue"])


def close_issue():
    issue = Repository.request(me, "pyg", "py-repo").get_issues()[0]
    issue.state = Issue.CLOSED
    issue.commit()
    closed = Repository.request(me, "pyg", "py-repo").get_issues_state(Issue.CLOSED)
    return [i.number for i in closed] == [issue.number]


check("close issue", close_issue)


def issue_comments():
    me.requests_post("/repos/pyg/py-repo/issues/1/comments", data={"body": "a comment"})
    issue = Repository.request(me, "pyg", "py-repo").get_issues()[0]
    return [c.body for c in issue.get_comments()] == ["a comment"]


check("issue comments", issue_comments)
check("create milestone", lambda: Repository.request(me, "pyg", "py-repo").create_milestone("v1", "first").title == "v1")
