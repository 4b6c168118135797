"""Order pages, one module per audience: ``public`` (the order form and its village picker),
``tracking`` (the resident's tracking page, with cancel and rate), ``volunteer`` (the volunteer's
dashboard, claim, 登记完成 and 退单), ``station`` (the station and town lists, an order's page and
its actions). Views are thin: fetch within the caller's area (``orders.access``: 404 outside
it), call one service, redirect with a message."""
