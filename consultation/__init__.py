"""Consultation (the Wenzhou seed programme's consultation line): members ask the bureau about
standards, testing and labelling, staff answer, the time to answer is tracked, and an answered
question may be published as a public FAQ entry."""
