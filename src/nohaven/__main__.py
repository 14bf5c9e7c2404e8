from nohaven.cli import main

main()
