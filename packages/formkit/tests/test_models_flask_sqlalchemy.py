"""A Flask-SQLAlchemy app's model, edited with a ModelForm from request.form."""

from __future__ import annotations

from typing import Any

import pytest

from manouche import formkit

flask = pytest.importorskip("flask")
flask_sqlalchemy = pytest.importorskip("flask_sqlalchemy")


def test_flask_sqlalchemy_model_form_in_a_view() -> None:
    db = flask_sqlalchemy.SQLAlchemy()

    class Category(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(30), unique=True, nullable=False)

        def __str__(self) -> str:
            return str(self.name)

    class Post(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        title = db.Column(db.String(80), nullable=False, info={"help_text": "Be brief"})
        body = db.Column(db.Text, nullable=True)
        category_id = db.Column(db.Integer, db.ForeignKey(Category.id), nullable=False)
        category = db.relationship(Category)

    class PostForm(formkit.ModelForm):
        class Meta:
            model = Post
            fields = ["title", "body", "category"]

    app = flask.Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)

    @app.route("/posts", methods=["GET", "POST"])
    def create() -> Any:
        form = PostForm(flask.request.form or None, db=db.session)
        if flask.request.method == "POST" and form.is_valid():
            post = form.save()
            db.session.commit()
            return {"id": post.id, "category": post.category.name}
        return flask.render_template_string("<form>{{ form }}</form>", form=form), 400

    with app.app_context():
        db.create_all()
        db.session.add(Category(id=1, name="News & Views"))
        db.session.commit()
        client = app.test_client()
        page = client.get("/posts").get_data(as_text=True)
        assert '<option value="1">News &amp; Views</option>' in page
        assert "Be brief" in page and "<textarea" in page
        bad = client.post("/posts", data={"title": "", "category": "2"})
        assert bad.status_code == 400 and "This field is required." in bad.get_data(True)
        ok = client.post("/posts", data={"title": "Hello", "category": "1", "id": "9"})
        assert ok.get_json() == {"id": 1, "category": "News & Views"}
        assert db.session.get(Post, 1).title == "Hello"
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
