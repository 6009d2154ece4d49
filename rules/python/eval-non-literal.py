import ast
import re


def calc(expr, code):
    # ruleid: chaingate.python.eval-non-literal
    value = eval(expr)
    # ruleid: chaingate.python.eval-non-literal
    exec("result = " + code, {})
    # ok: chaingate.python.eval-non-literal
    two = eval("1 + 1")
    # ok: chaingate.python.eval-non-literal
    data = ast.literal_eval(expr)
    # ok: chaingate.python.eval-non-literal
    pattern = re.compile(expr)
    return value, two, data, pattern
