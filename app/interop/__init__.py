"""Other learning systems: Open Badges 3.0, xAPI, SCORM 1.2 and Moodle GIFT import."""
