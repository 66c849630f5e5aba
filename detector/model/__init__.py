"""The learned detector (MT2xx): a fine-tuned MiniLM encoder plus cheap fluency features.

Importing this package is cheap; torch is imported only when a model is loaded
(:func:`detector.model.scorer.load_default`).
"""
