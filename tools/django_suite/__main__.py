import sys

from tools.django_suite.runner import main

sys.exit(main())
