"""Participants' models hold no text written for the public: the evaluation's questions already keep both
languages (`EvaluationQuestion.text_km`, `text_en`) and announcements are written in both on their form."""
