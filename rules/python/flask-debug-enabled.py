from flask import Flask

app = Flask(__name__)
# ruleid: chaingate.python.flask-debug-enabled
app.config["DEBUG"] = True
# ruleid: chaingate.python.flask-debug-enabled
app.debug = True
# ruleid: chaingate.python.flask-debug-enabled
app.run(host="0.0.0.0", port=8080, debug=True)
# ok: chaingate.python.flask-debug-enabled
app.run(host="127.0.0.1", port=8080)

if __name__ == "__main__":
    # ruleid: chaingate.python.flask-debug-enabled
    app.run(debug=True)
    # ok: chaingate.python.flask-debug-enabled
    app.run(debug=False)
