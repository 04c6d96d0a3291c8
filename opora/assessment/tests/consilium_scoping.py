"""The consilium's pages and endpoints in the scoping matrix (opora/core/tests/test_scoping_matrix.py
lists them for the guard; test_consilium_scoping.py tries every role on each).

(url name, HTTP method, access action, kind): the kind says what the URL takes — «consilium» (a
consilium's id), «decision» (a consilium's and a decision's), «decision_api» (a decision's), «service» (none: a list
or a new record of the user's service).
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
    # The API (opora/assessment/api_consilium.py); «decision_api»: a decision's id.
    ("consilium-list", "get", "view", "service"),
    ("consilium-list", "post", "assign", "service"),
    ("consilium-detail", "get", "view", "consilium"),
    ("consilium-detail", "patch", "assign", "consilium"),
    ("consilium-hold", "post", "assign", "consilium"),
    ("consilium-decision-list", "get", "view", "service"),
    ("consilium-decision-detail", "get", "view", "decision_api"),
    ("consilium-decision-detail", "patch", "assign", "decision_api"),
]
