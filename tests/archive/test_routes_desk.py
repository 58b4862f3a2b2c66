"""The «Мои задачи» page of the desk, for every role, through the ASGI client with real logins."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from archive.models import AuditEvent, Document, Task
from archive.routes import emit, subject_of_document
from tests.archive.test_routes import open_with
from tests.web.conftest import _desk
from tests.web.test_pages import login


def test_my_tasks_shows_each_user_theirs_and_closes_one_by_hand(tmp_path: Path) -> None:
    arc = open_with({"FINARCHIVE_HOME": str(tmp_path / "home")},
                    '[[routes]]\nname = "MSK review"\non = "needs_review"\noutlet = "MSK-01"\ndoc_type = "waybill"\n'
                    'assign = "anna"\ncontroller = "boris"\ndue_days = 1\n')
    desk = _desk(arc, tmp_path)
    try:
        with arc.transaction() as s:
            for doc in s.scalars(select(Document).order_by(Document.id)):
                emit(s, "needs_review", subject_of_document(doc), actor="t")  # only MSK-01's waybill matches
            task_id = s.scalars(select(Task.id)).one()
        anna, _ = login(desk, "anna")
        html = anna.get("/tasks").text
        assert f'data-task="{task_id}"' in html and "Товарная накладная № 4521" in html
        assert f'href="/documents/{desk.docs["waybill"]}"' in html and "Мои задачи" in html
        boris, _ = login(desk, "boris")
        assert f'data-task="{task_id}"' in boris.get("/tasks").text.split("Под моим контролем")[1]
        for name in ("msk", "admin"):  # every role has the page; these have nothing
            client, _ = login(desk, name)
            assert 'id="tasks-empty"' in client.get("/tasks").text
        msk, _ = login(desk, "msk")
        assert msk.post(f"/tasks/{task_id}/done", follow_redirects=False).status_code == 404  # not hers
        r = anna.post(f"/tasks/{task_id}/done", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/tasks"
        assert 'id="tasks-empty"' in anna.get("/tasks").text
        with arc.sessions() as s:
            assert s.get_one(Task, task_id).closed_by == "anna"
    finally:
        desk.app.state.uploads.close()
        arc.close()


def test_the_administrator_adds_and_removes_routes_in_the_desk_and_they_apply_at_once(tmp_path: Path) -> None:
    arc = open_with({"FINARCHIVE_HOME": str(tmp_path / "home")}, "[ocr]\nworkers = 1\n")
    desk = _desk(arc, tmp_path)
    config = Path(arc.settings.home) / "finarchive.toml"
    try:
        anna, _ = login(desk, "anna")
        assert anna.get("/admin/routes").status_code == 403  # an accountant may not
        admin, _ = login(desk, "admin")
        assert 'id="no-routes"' in admin.get("/admin/routes").text
        bad = admin.post("/admin/routes", data={"name": "x", "on": "archived", "assign": "anna",
                                                "counterparty_inn": "7707083894"})
        assert bad.status_code == 400 and "not a valid INN" in bad.text
        assert config.read_text(encoding="utf-8") == "[ocr]\nworkers = 1\n"  # left as it was
        r = admin.post("/admin/routes", data={"name": "Счета MSK", "on": "needs_review", "outlet": "MSK-01",
                                              "doc_type": "waybill", "amount_min": "100 000", "assign": "anna",
                                              "due_days": "2"}, follow_redirects=False)
        assert r.status_code == 303
        html = admin.get("/admin/routes").text
        assert 'data-route="Счета MSK"' in html and "MSK-01" in html
        with arc.transaction() as s:  # the running desk applies it at once
            waybill = s.get_one(Document, desk.docs["waybill"])
            emit(s, "needs_review", subject_of_document(waybill), actor="t")
            (task,) = s.scalars(select(Task)).all()
            assert (task.assignee, task.route) == ("anna", "Счета MSK")
        assert admin.post("/admin/routes/remove", data={"name": "Счета MSK"},
                          follow_redirects=False).status_code == 303
        assert 'id="no-routes"' in admin.get("/admin/routes").text
        assert "Счета MSK" not in config.read_text(encoding="utf-8")
        with arc.sessions() as s:
            actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.object_type == "route"))]
            assert actions == ["route.added", "route.removed"]
    finally:
        desk.app.state.uploads.close()
        arc.close()
