"""Alongside's risk detectors for the risk_detect hook (rooms/risk.py): a lexicon detector (explainable rules
over the Suicide Risk Lexicon, config/risk-lexicon/) and a learned one (moderation/risk/learned.py).

They only observe: nothing here holds, hides or refuses a message, and nothing here logs what was said.
"""
