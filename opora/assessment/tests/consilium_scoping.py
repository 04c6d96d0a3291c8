"""The consilium's pages and endpoints in the scoping matrix (opora/core/tests/test_scoping_matrix.py
lists them for the guard; test_consilium_scoping.py tries every role on each).

(url name, HTTP method, access action, kind): the kind says what the URL takes — «consilium» (a
consilium's id), «decision» (a consilium's and a decision's), «service» (none: the user's service).
"""

CONSILIUM_ROUTES = [
    ("assessment:consilium_list", "get", "view", "service"),
    ("assessment:consilium_prepare", "get", "assign", "service"),
    ("assessment:consilium_prepare", "post", "assign", "service"),
    ("assessment:consilium", "get", "view", "consilium"),
    ("assessment:consilium", "post", "assign", "consilium"),
    ("assessment:consilium_candidates", "get", "assign", "consilium"),
    ("assessment:consilium_candidates", "post", "assign", "consilium"),
    ("assessment:consilium_remove", "post", "assign", "decision"),
    ("assessment:consilium_protocol", "get", "view", "consilium"),
]
