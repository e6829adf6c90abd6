"""The offline demo, the sample documents, the screenshots and the picture guides.

Everything here plays the bot against the local Bot API emulator (``emulator/``) with a cast of
simulated users. None of it is part of the running bot: bot/, handlers/, webapp/, domain/,
storage/ and documents/ never import this package (the ``lkj-bot demo``, ``render-samples`` and
``guides`` commands load it when they run).
"""
