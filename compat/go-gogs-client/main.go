// Debian's go-gogs-client (a 2016 snapshot of the Go Gogs client) against oxforge.
// Built offline in GOPATH mode by compat/run.sh; prints PASS or FAIL per operation.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"

	gogs "github.com/gogits/go-gogs-client"
)

func check(name string, f func() error) {
	if err := f(); err != nil {
		fmt.Printf("FAIL %s: %v\n", name, err)
		return
	}
	fmt.Printf("PASS %s\n", name)
}

func expect(ok bool, what string) error {
	if !ok {
		return errors.New(what)
	}
	return nil
}

func main() {
	url, token, password := os.Getenv("OXFORGE_URL"), os.Getenv("OXFORGE_TOKEN"), os.Getenv("OXFORGE_PASSWORD")
	admin := gogs.NewClient(url, token)
	var userToken string

	check("get user info", func() error {
		u, err := admin.GetUserInfo(os.Getenv("OXFORGE_ADMIN"))
		if err != nil {
			return err
		}
		return expect(u.UserName == os.Getenv("OXFORGE_ADMIN"), "wrong user")
	})
	check("admin create user", func() error {
		u, err := admin.AdminCreateUser(gogs.CreateUserOption{Username: "gouser", Email: "go@example.com", Password: password})
		if err != nil {
			return err
		}
		return expect(u.UserName == "gouser", "wrong user")
	})
	// Gitea (and oxforge) make admin-created accounts change their password first; the
	// 2016 client cannot say otherwise, so clear the flag directly.
	req, _ := http.NewRequest("PATCH", url+"/api/v1/admin/users/gouser", bytes.NewBufferString(`{"must_change_password": false}`))
	req.Header.Set("Authorization", "token "+token)
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
	check("admin edit user", func() error {
		return admin.AdminEditUser("gouser", gogs.EditUserOption{Email: "go@example.com", FullName: "Go User"})
	})
	check("create access token (basic auth)", func() error {
		t, err := admin.CreateAccessToken("gouser", password, gogs.CreateAccessTokenOption{Name: "go-client"})
		if err != nil {
			return err
		}
		userToken = t.Sha1
		return expect(len(t.Sha1) == 40, "token is not 40 chars")
	})
	check("list access tokens", func() error {
		ts, err := admin.ListAccessTokens("gouser", password)
		if err != nil {
			return err
		}
		return expect(len(ts) == 1 && ts[0].Name == "go-client", "token not listed")
	})
	me := gogs.NewClient(url, userToken)
	check("create repository", func() error {
		r, err := me.CreateRepo(gogs.CreateRepoOption{Name: "go-repo", Description: "from go", AutoInit: true, Readme: "Default"})
		if err != nil {
			return err
		}
		return expect(r.FullName == "gouser/go-repo" && r.Permissions.Admin, "wrong repository")
	})
	check("admin create repository", func() error {
		_, err := admin.AdminCreateRepo("gouser", gogs.CreateRepoOption{Name: "go-admin-repo"})
		return err
	})
	check("get repository", func() error {
		r, err := me.GetRepo("gouser", "go-repo")
		if err != nil {
			return err
		}
		return expect(r.DefaultBranch == "main" && r.Owner.UserName == "gouser", "wrong repository")
	})
	check("list my repositories", func() error {
		rs, err := me.ListMyRepos()
		if err != nil {
			return err
		}
		return expect(len(rs) == 2, fmt.Sprintf("%d repositories", len(rs)))
	})
	check("list user repositories", func() error {
		rs, err := admin.ListUserRepos("gouser")
		if err != nil {
			return err
		}
		return expect(len(rs) == 2, fmt.Sprintf("%d repositories", len(rs)))
	})
	check("list branches", func() error {
		bs, err := me.ListRepoBranches("gouser", "go-repo")
		if err != nil {
			return err
		}
		return expect(len(bs) == 1 && bs[0].Name == "main", "wrong branches")
	})
	check("get branch", func() error {
		b, err := me.GetRepoBranch("gouser", "go-repo", "main")
		if err != nil {
			return err
		}
		return expect(len(b.Commit.ID) == 40, "no commit")
	})
	check("missing repository is an error", func() error {
		_, err := me.GetRepo("gouser", "nope")
		return expect(err != nil, "no error for a missing repository")
	})
	check("delete repository", func() error {
		return me.DeleteRepo("gouser", "go-admin-repo")
	})
	check("migrate repository", func() error {
		u, err := admin.GetUserInfo("gouser")
		if err != nil {
			return err
		}
		r, err := me.MigrateRepo(gogs.MigrateRepoOption{CloneAddr: url + "/gouser/go-repo.git", UID: int(u.ID), RepoName: "go-migrated"})
		if err != nil {
			return err
		}
		return expect(r.FullName == "gouser/go-migrated", "wrong repository")
	})
	check("admin create organization", func() error {
		_, err := admin.AdminCreateOrg("gouser", gogs.CreateOrgOption{UserName: "goorg"})
		return err
	})
	check("list my organizations", func() error {
		orgs, err := me.ListMyOrgs()
		if err != nil {
			return err
		}
		return expect(len(orgs) == 1 && orgs[0].UserName == "goorg", "wrong organizations")
	})
	check("edit organization", func() error {
		if err := me.EditOrg("goorg", gogs.EditOrgOption{Description: "edited"}); err != nil {
			return err
		}
		o, err := me.GetOrg("goorg")
		if err != nil {
			return err
		}
		return expect(o.Description == "edited", "not edited")
	})
	check("add collaborator", func() error {
		perm := "read"
		return me.AddCollaborator("gouser", "go-repo", os.Getenv("OXFORGE_ADMIN"), gogs.AddCollaboratorOption{Permission: &perm})
	})
	check("create issue", func() error {
		_, err := me.CreateIssue("gouser", "go-repo", gogs.CreateIssueOption{Title: "first"})
		return err
	})
	check("create label", func() error {
		l, err := me.CreateLabel("gouser", "go-repo", gogs.CreateLabelOption{Name: "bug", Color: "#ee0701"})
		if err == nil && l.Color != "ee0701" {
			return fmt.Errorf("color %q", l.Color)
		}
		if err == nil {
			_, err = me.AddIssueLabels("gouser", "go-repo", 1, gogs.IssueLabelsOption{Labels: []int64{l.ID}})
		}
		return err
	})
	check("create milestone", func() error {
		m, err := me.CreateMilestone("gouser", "go-repo", gogs.CreateMilestoneOption{Title: "v1"})
		if err == nil {
			_, err = me.EditIssue("gouser", "go-repo", 1, gogs.EditIssueOption{Milestone: &m.ID})
		}
		return err
	})
	// CreateIssueComment of this snapshot requests "/repos/:owner/:repo/..." (a client
	// bug that fails against Gogs too), so only the listing is exercised.
	check("list issue comments", func() error {
		list, err := me.ListIssueComments("gouser", "go-repo", 1)
		if err == nil && len(list) != 0 {
			return fmt.Errorf("comments %v", list)
		}
		return err
	})
	check("close an issue", func() error {
		closed := "closed"
		i, err := me.EditIssue("gouser", "go-repo", 1, gogs.EditIssueOption{State: &closed})
		if err == nil && (i.State != "closed" || i.Title != "first" || i.Milestone == nil || len(i.Labels) != 1) {
			return fmt.Errorf("issue %+v", i)
		}
		return err
	})
	check("list issues", func() error {
		list, err := me.ListRepoIssues("gouser", "go-repo", gogs.ListIssueOption{Page: 1})
		if err == nil && len(list) != 0 {
			return fmt.Errorf("open issues %d", len(list))
		}
		return err
	})
}
