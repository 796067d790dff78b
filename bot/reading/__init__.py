"""The reader: a trained model decides what a team's words say; policy turns that into judgements."""
