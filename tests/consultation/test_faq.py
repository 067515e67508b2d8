"""The public FAQ: only published entries, grouped by topic, searchable, of a cooperative, a
region or the portal; never the member who asked nor the question as it was asked."""

from consultation import services
from consultation.views import cooperative_faq, portal_faq
from coop.tenancy import scope
from tests.consultation.helpers import answer, ask

ORIGINAL = "我厂的婴儿睡袋甲醛检出 18mg/kg，吊牌要写 A 类吗？"


def publish(tenant, question, faq_question, faq_answer="婴幼儿用品须符合 A 类，吊牌注明“A 类”。"):
    with scope({tenant.cooperative.pk}):
        return services.publish(
            question=question,
            actor=tenant.admin,
            faq_question=faq_question,
            faq_answer=faq_answer,
        )


def entries(tenant):
    published = ask(tenant, text=ORIGINAL)
    answer(tenant, published)
    publish(tenant, published, "婴幼儿用品的甲醛类别怎么标注？")
    unpublished = ask(tenant, subject="未发布的问题")
    answer(tenant, unpublished, text="这条答复不公开。")
    withdrawn = ask(tenant, topic="testing")
    answer(tenant, withdrawn)
    publish(tenant, withdrawn, "已撤回的问题？")
    with scope({tenant.cooperative.pk}):
        services.withdraw(question=withdrawn, actor=tenant.admin)
    return published


def test_the_faq_shows_only_published_entries_and_never_the_member(coop_a, api, client):
    entries(coop_a)
    for path in (
        "/c/coop-a/faq/",
        "/faq/",
        "/api/v1/public/faq/",
        "/api/v1/public/faq/?coop=coop-a",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert "婴幼儿用品的甲醛类别怎么标注？" in text, path
        for hidden in (coop_a.member.name, ORIGINAL, "这条答复不公开", "已撤回的问题", "被套甲醛"):
            assert hidden not in text, (path, hidden)
    listed = api().get("/api/v1/public/faq/").json()
    assert listed["count"] == 1
    entry = listed["results"][0]
    assert (entry["topic"], entry["topic_display"], entry["cooperative"]) == (
        "labelling",
        "标签标识",
        "coop-a",
    )
    assert "member" not in entry and "member_name" not in entry
    page = client.get("/c/coop-a/faq/").content.decode()
    assert "<h2>标签标识</h2>" in page


def test_the_faq_keeps_each_cooperative_to_its_own_and_the_portal_shows_all(coop_a, coop_b, client):
    entries(coop_a)
    theirs = ask(coop_b, topic="certification")
    answer(coop_b, theirs)
    publish(coop_b, theirs, "家纺产品需要 3C 认证吗？", "纺织品不在强制性产品认证目录内。")
    own = client.get("/c/coop-a/faq/").content.decode()
    # The whole question: "3C" alone may turn up in a page's random CSRF token.
    assert "3C 认证" not in own and "婴幼儿" in own
    portal = client.get("/faq/").content.decode()
    assert "3C 认证" in portal and "婴幼儿" in portal
    # Grouped by topic in the declared order (labelling before certification), not by code.
    assert portal.index("<h2>标签标识</h2>") < portal.index("<h2>认证</h2>")
    region_b = client.get(f"/faq/?region={coop_b.cooperative.region.slug}").content.decode()
    assert "3C 认证" in region_b and "婴幼儿" not in region_b
    api = client.get("/api/v1/public/faq/?region=" + coop_b.cooperative.region.slug).json()
    assert [row["cooperative"] for row in api["results"]] == ["coop-b"]


def test_the_faq_is_searchable_by_a_word_and_a_topic(coop_a, client):
    entries(coop_a)
    assert "婴幼儿" in client.get("/faq/?q=甲醛").content.decode()
    assert "婴幼儿" not in client.get("/faq/?q=色牢度").content.decode()
    assert "婴幼儿" not in client.get("/c/coop-a/faq/?topic=testing").content.decode()
    assert client.get("/api/v1/public/faq/?q=甲醛").json()["count"] == 1
    assert client.get("/api/v1/public/faq/?q=色牢度").json()["count"] == 0


def test_bad_faq_parameters_are_a_400_naming_them(coop_a, client):
    for name, value in (("topic", "nonsense"), ("coop", "nowhere"), ("region", "nowhere")):
        response = client.get(f"/api/v1/public/faq/?{name}={value}")
        assert response.status_code == 400 and name in response.json(), name
    assert client.get("/faq/?q=" + "长" * 200).status_code == 200


def test_the_faq_pages_are_in_the_public_cache():
    from django.urls import resolve

    for view in (cooperative_faq, portal_faq):
        assert getattr(view, "public_cache", False), view
    assert getattr(resolve("/api/v1/public/faq/").func, "public_cache", False)


def test_the_publish_form_starts_from_the_question_and_answer_for_staff_to_edit(coop_a, client):
    from django.utils.html import escape

    from consultation.models import Question

    asked = ask(coop_a, text=f"{coop_a.member.name}的婴儿睡袋吊牌要写 A 类吗？")
    answer(coop_a, asked, text="婴幼儿用品须符合 A 类。")
    client.force_login(coop_a.admin)
    html = client.get(f"/c/coop-a/questions/{asked.pk}/").content.decode()
    form = html[html.index(f"/questions/{asked.pk}/step/publish/") :]
    form = form[: form.index("</form>")]
    assert f'value="{escape(asked.text)}"' in form  # the question, as asked, to reword
    assert ">婴幼儿用品须符合 A 类。</textarea>" in form
    # Published as it stands, the member's name is refused; reworded, it goes out.
    url = f"/c/coop-a/questions/{asked.pk}/step/publish/"
    client.post(url, {"faq_question": asked.text, "faq_answer": "婴幼儿用品须符合 A 类。"})
    with scope({coop_a.cooperative.pk}):
        assert not Question.objects.get(pk=asked.pk).published
    client.post(url, {"faq_question": "婴儿睡袋吊牌要写 A 类吗？", "faq_answer": "须符合 A 类。"})
    with scope({coop_a.cooperative.pk}):
        row = Question.objects.get(pk=asked.pk)
        assert row.published and row.faq_question == "婴儿睡袋吊牌要写 A 类吗？"
