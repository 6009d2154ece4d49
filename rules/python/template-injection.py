import jinja2
from flask import Flask, render_template, render_template_string, request
from jinja2 import Template

app = Flask(__name__)
env = jinja2.Environment(autoescape=True)


@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    # ruleid: chaingate.python.template-injection
    page = render_template_string("<h1>Hello " + name + "</h1>")
    # ruleid: chaingate.python.template-injection
    other = Template(request.args["template"]).render(name=name)
    # ruleid: chaingate.python.template-injection
    third = env.from_string(f"Hi {name}").render()
    # ok: chaingate.python.template-injection
    fixed = render_template_string("<h1>Hello {{ name }}</h1>", name=name)
    # ok: chaingate.python.template-injection
    from_file = render_template("greet.html", name=name)
    return page + other + third + fixed + from_file
