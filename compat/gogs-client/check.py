"""gogs-client (PyPI, the Python Gogs client) against oxforge."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from common import ADMIN, PASSWORD, TOKEN, URL, check  # noqa: E402

import gogs_client  # noqa: E402

api = gogs_client.GogsApi(URL)
admin = gogs_client.Token(TOKEN)
state = {}

check("valid authentication (token)", lambda: api.valid_authentication(admin))
check("authenticated user (token)", lambda: api.authenticated_user(admin).username == ADMIN)
check("admin create user", lambda: api.create_user(admin, "gogsu", "gogsu", "gogsu@example.com", PASSWORD).username == "gogsu")
# Admin-created accounts must change their password first (as Gitea); clear the flag.
check("admin update user", lambda: api.update_user(admin, "gogsu", gogs_client.GogsUserUpdate.Builder("gogsu", "gogsu@example.com").set_full_name("Gogs User").build()).full_name == "Gogs User")
basic = gogs_client.UsernamePassword("gogsu", PASSWORD)


def unlock():
    import requests
    r = requests.patch(f"{URL}/api/v1/admin/users/gogsu", json={"must_change_password": False}, headers={"Authorization": f"token {TOKEN}"})
    return r.status_code == 200


unlock()
check("user exists", lambda: api.user_exists("gogsu"))
check("get user", lambda: api.get_user(admin, "gogsu").email == "gogsu@example.com")
check("search users", lambda: "gogsu" in [u.username for u in api.search_users("gogs")])


def create_token():
    t = api.create_token(basic, "gogs-client", username="gogsu")
    state["token"] = gogs_client.Token(t.token)
    return len(t.token) == 40


check("create token (basic auth)", create_token)
check("list tokens", lambda: "gogs-client" in [t.name for t in api.get_tokens(basic, username="gogsu")])
check("ensure token", lambda: api.ensure_token(basic, "gogs-client", username="gogsu").name == "gogs-client")
tok = state.get("token")
check("create repository", lambda: api.create_repo(tok, "gogs-repo", description="from gogs-client", auto_init=True).full_name == "gogsu/gogs-repo")
check("repository exists", lambda: api.repo_exists(tok, "gogsu", "gogs-repo"))
check("get repository", lambda: api.get_repo(tok, "gogsu", "gogs-repo").permissions.admin)
check("list user repositories", lambda: "gogs-repo" in [r.name for r in api.get_user_repos(tok, "gogsu")])
check("list branches", lambda: [b.name for b in api.get_branches(tok, "gogsu", "gogs-repo")] == ["main"])
check("get branch", lambda: api.get_branch(tok, "gogsu", "gogs-repo", "main").commit.id)
check("migrate repository", lambda: api.migrate_repo(tok, f"{URL}/gogsu/gogs-repo.git", api.get_user(admin, "gogsu").user_id, "gogs-migrated").name == "gogs-migrated")
check("delete repository", lambda: api.delete_repo(tok, "gogsu", "gogs-repo") is None and not api.repo_exists(tok, "gogsu", "gogs-repo"))
check("delete migrated repository", lambda: api.delete_repo(tok, "gogsu", "gogs-migrated") is None)
# The organization belongs to the admin: gogsu is deleted below, and an organization may
# not lose its last owner.
check("create organization", lambda: api.create_organization(admin, ADMIN, "gogsorg").username == "gogsorg")
check("create organization repository", lambda: api.create_repo(admin, "orgrepo", private=True, organization="gogsorg").full_name == "gogsorg/orgrepo")
check("create team", lambda: state.update(team=api.create_organization_team(admin, "gogsorg", "devs", permission="write")) or state["team"].name == "devs")


def team_grants_access():
    team_id = state["team"].id
    api.add_team_membership(admin, team_id, "gogsu")
    api.add_repo_to_team(admin, team_id, "orgrepo")
    return api.get_repo(tok, "gogsorg", "orgrepo").permissions.push


check("team membership and repository", team_grants_access)


def team_removal_revokes():
    team_id = state["team"].id
    api.remove_repo_from_team(admin, team_id, "orgrepo")
    api.remove_team_membership(admin, team_id, "gogsu")
    return not api.repo_exists(tok, "gogsorg", "orgrepo")


check("team membership removed", team_removal_revokes)
check("admin delete user", lambda: api.delete_user(admin, "gogsu") is None and not api.user_exists("gogsu"))
