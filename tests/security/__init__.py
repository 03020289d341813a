"""The security suite: one test (or a few) per protection, each failing if the protection is removed.

test_page_privacy         the one access gate: live pages, Wagtail page privacy, enrolment, module lock
test_object_access        another learner's attempt, result, autosave or certificate: the same 404 as none
test_answer_keys          no answer key or feedback in any page or response before submission
test_assessment_integrity option order per attempt, opaque field names, review policy, retry wait
test_csrf_and_mass_assignment  CSRF on every route; fields a form does not offer are ignored
test_xss                  a payload corpus in every learner field, in pages, admin, exports, PDF, emails
test_accounts             login, sign-up and reset throttling; no account enumeration; confirmed emails
test_roles_and_organisations  councillor claims and organisation membership need a trainer's approval
test_headers              CSP, framing and no-store on fresh and cached pages
test_public_cache         the public cache forgets pages whose privacy, place or existence changed
test_input_and_exports    formula injection in exports, any input to search, plain-text emails
"""
