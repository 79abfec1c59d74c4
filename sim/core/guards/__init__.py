"""Polish and Lithuanian guards, by what they do.

force.py         the patrols of each country: strength, duty, deployment over segments (`GuardForce`)
beats.py         patrolling: tasks ending, walking the beats, who is in sight of each segment (compiled)
response.py      alarms: sending the nearest free patrols (compiled)
catch.py         responders at a segment: how many people they can take in this hour (compiled)
interception.py  detection of tries and apprehension of tracked people, with the pushback-or-asylum draw
"""
