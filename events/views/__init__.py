"""Pages for events, one module per part a newcomer looks for: ``calendar`` (the published
calendar: web, print, .ics, feed), ``plans`` (monthly plans), ``events`` (event pages and their
actions), ``checkin`` (check-in and QR codes). Thin: parse input, fetch in the caller's scope
(outside → 404), call a service or a selector, render or redirect with a message."""
