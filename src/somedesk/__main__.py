from somedesk.cli import main

main()
