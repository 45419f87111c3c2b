from leernetwerk import create_app

app = create_app()
