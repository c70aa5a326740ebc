// Post the deep-linking response back to the LMS without a click (the button stays as
// the fallback when scripts are off).
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
