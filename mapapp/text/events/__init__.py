"""Violent and political events from news text, one per incident (entry point:
:func:`mapapp.text.events.extract.extract_events`).

Modules, by what they own:

* :mod:`.extract` -- the pipeline: sentences -> triggers -> drafts -> incidents -> events;
* :mod:`.triggers` -- the trigger lexicon (word -> family, strength);
* :mod:`.cues` -- words that tell what a sentence is about (weapons, armed actors, victims, other domains);
* :mod:`.detect` -- reading a sentence: which triggers report an event, and its status;
* :mod:`.kinds` -- ACLED event and sub-event types from the wording;
* :mod:`.actors` -- states, armed groups, leaders and which names are places;
* :mod:`.location` -- the incident's place (never a dateline, byline, court, embassy or speaker's city)
  and ACLED ``geo_precision``;
* :mod:`.figures` -- tolls and counts as typed :class:`~mapapp.model.Figure` values;
* :mod:`.outlets` -- the outlets a sentence cites;
* :mod:`.weapons` -- weapon classes and links to the weapon catalogue;
* :mod:`.dating` -- an event's final date, or why it has none;
* :mod:`.merge` -- incidents from reports, across sentences and articles; date filtering;
* :mod:`.phrases` -- linear-time lookup of many fixed phrases.

How an event is written to rows, dicts, CSV, GeoJSON and KML is :mod:`mapapp.corpus.schema`'s.
"""
