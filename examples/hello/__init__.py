"""The hello demo: a tiny site on manouche.httpkit (``examples.hello.app:application``)."""
