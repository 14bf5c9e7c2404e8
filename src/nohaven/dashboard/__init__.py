"""What a person has to do and can find, gathered from every domain through its service (and
so through the one policy function): the dashboard's to-do list and the global search."""
