// Dynamic Registration 1.0, section 3.6: tell the LMS the registration is done.
if (document.querySelector("[data-lti-registered]")) {
  (window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
}
